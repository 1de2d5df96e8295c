// Text from the workbook (item ids, categories, reason codes, labels) placed in
// ECharts' HTML tooltips and rich-text labels. A tooltip formatter's string is
// inserted as HTML, so every value in it is escaped here, in one place (issue
// 12.5: an item id `<meta http-equiv=refresh …>` once navigated the tab away).
// ECharts' own default tooltips escape their names and values already.

/** Markup built by `tooltipHtml`: safe to nest in another without escaping twice. */
class TooltipMarkup {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * A tooltip formatter's HTML: the template's own markup as written, every value
 * interpolated into it escaped (a nested `tooltipHtml` stays as it is).
 *   tooltipHtml`<b>${itemId}</b><br/>${reason}`
 */
export function tooltipHtml(strings: TemplateStringsArray, ...values: unknown[]): string {
  return strings.reduce((html, part, i) => {
    if (i === 0) return part;
    const value = values[i - 1];
    return html + (value instanceof TooltipMarkup ? value.html : escapeHtml(value)) + part;
  }, '');
}

/** A fragment for a condition inside a tooltip: `${when(x, tooltipFragment`…${x}…`)}`. */
export function tooltipFragment(strings: TemplateStringsArray, ...values: unknown[]): TooltipMarkup {
  return new TooltipMarkup(tooltipHtml(strings, ...values));
}

/**
 * A value inside an ECharts rich-text label (`{style|text}`): braces and bars
 * would open or close a style, so they are swapped for look-alikes that do not.
 */
export function richTextValue(value: unknown): string {
  return String(value ?? '').replace(/[{}|]/g, (c) => ({ '{': '❴', '}': '❵', '|': '｜' })[c]!);
}
