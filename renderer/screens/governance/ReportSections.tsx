// The seven questions of the governance report on screen. Their answers,
// tables and notes come from shared/governance-sections.ts, which the HTML
// report (electron/backend/governance/html.ts) lays out too; this file only
// lays them out as panels and draws the charts.
import { Fragment, type ReactNode } from 'react';
import type { GovernanceReport } from '../../../shared/governance';
import { governanceSections, type Phrase, type ReportBlock, type ReportColumnKind, type ReportSection, type ReportTable as Table } from '../../../shared/governance-sections';
import { CategoryErrorChart, ErrorTrendChart } from './ReportCharts';

function PhraseView({ phrase: p }: { phrase: Phrase }): ReactNode {
  if (typeof p === 'string') return p;
  if ('warn' in p) return <span className="warn">{p.warn}</span>;
  if ('strong' in p) return <b>{p.strong}</b>;
  if (p.short !== undefined && p.code.length > p.short) return <code title={p.code}>{p.code.slice(0, p.short)}…</code>;
  return <code title={p.title}>{p.code}</code>;
}

function Phrases({ phrases }: { phrases: Phrase[] }) {
  return phrases.map((p, i) => (
    <Fragment key={i}>
      <PhraseView phrase={p} />
    </Fragment>
  ));
}

const cellClass = (kind: ReportColumnKind | undefined) => (kind === 'num' || kind === 'keep' ? kind : undefined);

/** A compact table; text cells wrap unless kept on one line (names, dates), numbers never do. */
function ReportTable({ table: t }: { table: Table }) {
  if (t.rows.length === 0) return <p className="empty report-empty">{t.caption}: none.</p>;
  return (
    <table className="table compact report-table" aria-label={t.caption}>
      <caption>{t.caption}</caption>
      <thead>
        <tr>
          {t.columns.map((c) => (
            <th key={c.head} scope="col" className={cellClass(c.kind)}>
              {c.head}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {t.rows.map((r, j) => (
          <tr key={j}>
            {r.map((v, i) => {
              const kind = t.columns[i]?.kind;
              const content = <PhraseView phrase={v} />;
              return (
                <td key={i} className={cellClass(kind)}>
                  {kind === 'verdict' || kind === 'note' ? <span className={kind}>{content}</span> : content}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Block({ block, report }: { block: ReportBlock; report: GovernanceReport }) {
  if ('beside' in block) {
    return (
      <div className="report-tables">
        {block.beside.map((t) => (
          <ReportTable key={t.caption} table={t} />
        ))}
      </div>
    );
  }
  if ('charts' in block) {
    const m = report.monitoring;
    return (
      <div className="report-charts">
        <figure className="report-figure" aria-label="Error per period">
          <ErrorTrendChart trend={m.trend} intervalLevel={m.intervalLevel} grain={report.grain} />
        </figure>
        <figure className="report-figure" aria-label="Error by category">
          <CategoryErrorChart categories={m.byCategory} />
        </figure>
      </div>
    );
  }
  if ('note' in block) {
    return (
      <p className="hint report-audit-note">
        <Phrases phrases={block.note} />
      </p>
    );
  }
  return <ReportTable table={block} />;
}

/** Questions with tables side by side or charts take the full width. */
const isWide = (s: ReportSection) => s.blocks.some((b) => 'beside' in b || 'charts' in b);

function Question({ section: s, report }: { section: ReportSection; report: GovernanceReport }) {
  return (
    <section className={`panel report-q q${s.n}${isWide(s) ? ' wide' : ''}`} aria-labelledby={`report-q${s.n}`}>
      <h3 id={`report-q${s.n}`}>
        <span className="q-num" aria-hidden="true">
          {s.n}
        </span>
        {s.question}
      </h3>
      <p className="answer">
        <Phrases phrases={s.answer} />
      </p>
      {s.blocks.map((b, i) => (
        <Block key={i} block={b} report={report} />
      ))}
    </section>
  );
}

export function ReportSections({ report }: { report: GovernanceReport }) {
  return (
    <div className="report-grid">
      {governanceSections(report).map((s) => (
        <Question key={s.n} section={s} report={report} />
      ))}
    </div>
  );
}
