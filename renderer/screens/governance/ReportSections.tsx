// The seven questions of the governance report on screen. Their answers,
// tables and notes come from shared/governance-sections.ts, which the HTML
// report (electron/backend/governance/html.ts) lays out too; this file only
// lays them out as panels and draws the charts.
import { Fragment, type ReactNode } from 'react';
import type { GovernanceReport } from '../../../shared/governance';
import { governanceSections, type Phrase, type ReportBlock, type ReportSection, type ReportTable as Table } from '../../../shared/governance-sections';
import { DataTable, type Column } from '../../components/DataTable';
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

/** A compact table; text cells wrap unless kept on one line (names, dates), numbers never do. */
export function ReportTable({ table: t }: { table: Table }) {
  if (t.rows.length === 0) return <p className="empty report-empty">{t.caption}: none.</p>;
  const columns = t.columns.map(({ head, kind }, i): Column<Phrase[]> => ({
    key: head,
    head,
    num: kind === 'num',
    headClass: kind === 'keep' ? 'keep' : undefined,
    cell: (row) => (kind === 'verdict' || kind === 'note' ? <span className={kind}>
          <PhraseView phrase={row[i]!} />
        </span> : <PhraseView phrase={row[i]!} />),
    cellProps: () => ({ className: kind === 'keep' ? 'keep' : undefined }),
  }));
  return <DataTable label={t.caption} caption={t.caption} className="table compact report-table" columns={columns} rows={t.rows} rowKey={(_, j) => j} />;
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
    return (
      <div className="report-charts">
        <figure className="report-figure" aria-label="Error per period">
          <ErrorTrendChart report={report} />
        </figure>
        <figure className="report-figure" aria-label="Error by category">
          <CategoryErrorChart report={report} />
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
const isWide = (s: ReportSection) => s.wide === true || s.blocks.some((b) => 'beside' in b || 'charts' in b);

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
