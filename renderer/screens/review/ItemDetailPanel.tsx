import { formatPercent, formatPeriod, formatQuantity } from '../../../shared/format';
import { useReviewStore } from '../../stores/review';
import { DecisionPanel } from './DecisionPanel';
import { ItemChart } from './ItemChart';

/** The selected line's item: who owns it, how it has sold, what the model said before. */
export function ItemDetailPanel() {
  const detail = useReviewStore((s) => s.detail);
  const row = useReviewStore((s) => s.rows.get(s.selectedIndex));
  const intervalLevel = useReviewStore((s) => s.runs.find((r) => r.runId === s.runId)?.intervalLevel ?? null);
  if (!detail)
    return (
      <aside className="detail" aria-label="Item detail">
        <DecisionPanel />
      </aside>
    );
  const f = detail.figures;
  const yoy = f.last12 !== null && f.prior12 ? (100 * (f.last12 - f.prior12)) / f.prior12 : null;
  return (
    <aside className="detail" aria-label="Item detail">
      <DecisionPanel />
      <header>
        <h3>
          {/* The name may hold direction controls: isolated, they cannot reorder the id beside it. */}
          {detail.item.itemId} · <bdi>{detail.item.name}</bdi>
        </h3>
        <p>
          {[detail.item.category, detail.item.brand, detail.item.abcClass ? `class ${detail.item.abcClass}` : null, detail.item.unit].filter(Boolean).join(' · ')}
          {' · owner '}
          <strong>{detail.item.ownerName ?? detail.item.owner ?? 'nobody'}</strong>
        </p>
      </header>
      <ItemChart detail={detail} intervalLevel={intervalLevel} />
      <dl className="figures">
        <div>
          <dt>Last 3 months</dt>
          <dd>{formatQuantity(f.last3)}</dd>
        </div>
        <div>
          <dt>Last 12 months</dt>
          <dd>{formatQuantity(f.last12)}</dd>
        </div>
        <div>
          <dt>vs prior 12</dt>
          <dd>{formatPercent(yoy, 0, { signed: true })}</dd>
        </div>
        <div>
          <dt title="The model's WAPE on this item over its last 6 runs, lines with actuals">Model error (6 runs)</dt>
          <dd>
            {formatPercent(f.modelRecentWape)} <small>n={f.modelRecentLines}</small>
          </dd>
        </div>
      </dl>
      <table className="table compact" aria-label="Forecast of the selected item">
        <thead>
          <tr>
            <th scope="col">Period</th>
            <th scope="col" className="num">Lag</th>
            <th scope="col" className="num">Model</th>
            <th scope="col" className="num">Interval</th>
            <th scope="col" className="num" title="Sales input">Sales</th>
          </tr>
        </thead>
        <tbody>
          {detail.forecast.map((l) => (
            <tr key={l.lineId} className={row?.lineId === l.lineId ? 'current' : undefined}>
              <td>{formatPeriod(l.period, detail.grain)}</td>
              <td className="num">{l.lag}</td>
              <td className="num">{formatQuantity(l.quantity)}</td>
              <td className="num">
                {formatQuantity(l.lower)}–{formatQuantity(l.upper)}
              </td>
              <td className="num">{formatQuantity(l.salesInput)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </aside>
  );
}
