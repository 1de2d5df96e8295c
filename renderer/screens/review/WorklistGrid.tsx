// The worklist: a virtualized grid over the run's lines. Only visible rows are in
// the DOM and only the pages around them are fetched, so 100 000 lines scroll
// as smoothly as 100. Grouped by item, the backend places a header row before
// each item's lines; the keyboard moves between lines and steps over headers.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type CSSProperties, type KeyboardEvent } from 'react';
import type { ItemGroupHeader } from '../../../shared/domain';
import { formatCount } from '../../../shared/format';
import { useReviewStore } from '../../stores/review';
import { GRID_TEMPLATE, WORKLIST_COLUMNS } from './columns';

const ROW_HEIGHT = 24;
const HEADER_HEIGHT = 29;

export function WorklistGrid() {
  const total = useReviewStore((s) => s.total);
  const lineTotal = useReviewStore((s) => s.lineTotal);
  const itemTotal = useReviewStore((s) => s.itemTotal);
  const rows = useReviewStore((s) => s.rows);
  const groups = useReviewStore((s) => s.groups);
  const grouped = useReviewStore((s) => s.groupByItem);
  const sort = useReviewStore((s) => s.sort);
  const setSort = useReviewStore((s) => s.setSort);
  const ensureRows = useReviewStore((s) => s.ensureRows);
  const selectedIndex = useReviewStore((s) => s.selectedIndex);
  const select = useReviewStore((s) => s.select);
  const scrollRef = useRef<HTMLDivElement>(null);

  const virtualizer = useVirtualizer({
    count: total ?? 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
    // The sticky header sits inside the scroller, above the rows, and stays: a line scrolled to from below
    // stops under it, not behind it (without this, a PageUp could select a line the header hid).
    scrollMargin: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    if (total) ensureRows(first, last);
  }, [first, last, total, ensureRows]);

  // Keep the selected line in view, also when the selection stepped over a header or moved by a shortcut; a
  // line already in view is left alone: a scroll lays the grid out at once (~40 ms of a 100,000-line run's
  // first open), and every row is ROW_HEIGHT tall, so where the line is needs no layout to tell.
  useEffect(() => {
    if (!total) return;
    const index = Math.min(selectedIndex, total - 1);
    const offset = virtualizer.scrollOffset ?? 0;
    const height = virtualizer.scrollRect?.height;
    const top = index * ROW_HEIGHT;
    const inView = height === undefined ? top === 0 && offset === 0 : top >= offset && HEADER_HEIGHT + top + ROW_HEIGHT <= offset + height;
    if (!inView) virtualizer.scrollToIndex(index, { align: 'auto' });
  }, [selectedIndex, total, virtualizer]);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 260) / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = { ArrowDown: 1, j: 1, ArrowUp: -1, k: -1, PageDown: page, PageUp: -page };
    let next: number | null = null;
    let direction: 1 | -1 = 1;
    if (event.key in moves) {
      next = selectedIndex + moves[event.key]!;
      direction = moves[event.key]! < 0 ? -1 : 1;
    } else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') {
      next = (total ?? 1) - 1;
      direction = -1;
    }
    if (next === null || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    select(next, direction);
  }

  return (
    <div
      className={`grid${grouped ? ' grouped' : ''}`}
      role="grid"
      aria-label="Worklist"
      aria-rowcount={(total ?? 0) + 1}
      aria-colcount={WORKLIST_COLUMNS.length}
      aria-activedescendant={total ? `line-${selectedIndex}` : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
      style={{ ['--grid-template' as string]: GRID_TEMPLATE }}
    >
      <div className="grid-body" ref={scrollRef}>
        <div className="grid-head" role="rowgroup">
          <div className="grid-row" role="row" aria-rowindex={1}>
            {WORKLIST_COLUMNS.map((col) => (
              <div
                key={col.id}
                role="columnheader"
                className={col.numeric ? 'num' : undefined}
                aria-sort={col.sort && sort.column === col.sort ? (sort.direction === 'asc' ? 'ascending' : 'descending') : undefined}
                title={col.title}
              >
                {col.sort ? (
                  <button type="button" className="sort" onClick={() => setSort(col.sort!)} aria-label={`Sort by ${col.title ?? col.label}`}>
                    {col.label}
                    <span className="sort-mark" aria-hidden="true">
                      {sort.column === col.sort ? (sort.direction === 'asc' ? '▲' : '▼') : ''}
                    </span>
                  </button>
                ) : (
                  col.label
                )}
              </div>
            ))}
          </div>
        </div>
        {total === 0 && <div className="grid-empty">No lines match.</div>}
        <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((v) => {
            const style = { transform: `translateY(${v.start - HEADER_HEIGHT}px)`, height: ROW_HEIGHT };
            const group = groups.get(v.index);
            if (group) return <GroupHeaderRow key={v.key} index={v.index} group={group} style={style} onClick={() => select(v.index + 1)} />;
            const row = rows.get(v.index);
            return (
              <div
                key={v.key}
                id={`line-${v.index}`}
                className={`grid-row${v.index === selectedIndex ? ' selected' : ''}${v.index % 2 ? ' odd' : ''}${row ? ` st-${row.lock && row.status === 'undecided' ? row.lock.kind : row.status}` : ''}${row?.lock?.kind === 'closed' ? ' closed' : ''}`}
                role="row"
                aria-rowindex={v.index + 2}
                aria-selected={v.index === selectedIndex}
                onClick={() => select(v.index)}
                style={style}
              >
                {WORKLIST_COLUMNS.map((col) => (
                  <div key={col.id} role="gridcell" className={col.numeric ? 'num' : undefined} title={row ? (col.cellTitle?.(row) ?? (col.hover ? col.value(row) : undefined)) : undefined}>
                    {row ? col.value(row) : col.id === 'item' ? '…' : ''}
                  </div>
                ))}
              </div>
            );
          })}
        </div>
      </div>
      <div className="grid-foot" aria-hidden="true">
        <span>
          {total === null
            ? 'Loading…'
            : grouped
              ? `${formatCount(lineTotal ?? 0)} ${lineTotal === 1 ? 'line' : 'lines'} of ${formatCount(itemTotal ?? 0)} ${itemTotal === 1 ? 'item' : 'items'}, grouped by item`
              : `${formatCount(total)} ${total === 1 ? 'line' : 'lines'} · row ${total ? formatCount(selectedIndex + 1) : 0}`}
        </span>
        <span className="keys">↑↓ or j/k move · a accept · o override · s adopt sales input · n next exception · u undo · g group by item · Enter save · Esc cancel</span>
      </div>
    </div>
  );
}

/** One item's header: its highest exception score under Score, who owns it, how many of its lines are decided. */
function GroupHeaderRow({ index, group, style, onClick }: { index: number; group: ItemGroupHeader; style: CSSProperties; onClick: () => void }) {
  const facts = `${group.lines} ${group.lines === 1 ? 'line' : 'lines'} · ${group.decided} decided`;
  return (
    <div
      className="grid-row group-head"
      role="row"
      aria-rowindex={index + 2}
      aria-label={`${group.itemId} ${group.itemName}: ${facts}, highest score ${Math.round(group.maxExceptionScore)}, owner ${group.owner ?? 'nobody'}`}
      data-item={group.itemId}
      onClick={onClick}
      style={style}
    >
      <div role="gridcell" className="num" title="Highest exception score of the item’s lines">
        {Math.round(group.maxExceptionScore)}
      </div>
      <div role="gridcell" aria-colspan={WORKLIST_COLUMNS.length - 1} className="group-title">
        <span className="group-item">{group.itemId}</span>
        <span className="group-name" title={group.itemName}>
          {group.itemName}
        </span>
        <span className="group-facts">
          {group.owner ? <span title="Owner">{group.owner}</span> : <span>no owner</span>}
          <span>{facts}</span>
        </span>
      </div>
    </div>
  );
}
