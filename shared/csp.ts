// The Content-Security-Policy of the renderer: sent as a header by the browser
// host and the desktop shell, and repeated in renderer/index.html's meta tag
// (a test keeps the two equal). No inline script, no remote anything.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  // ECharts' HTML tooltips carry their layout in style attributes (no <style> elements,
  // which stay refused); every value inside a tooltip is escaped (renderer/components/chart-text.ts).
  "style-src-attr 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** Sent as an HTTP header: frame-ancestors only works there (a meta tag ignores it, with a console error). */
export const CONTENT_SECURITY_POLICY_HEADER = `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`;
