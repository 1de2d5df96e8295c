// Migration 21: the accuracy cells' totals (issue 14). Append-only: never edit after it ships.
//
// `fwb accuracy --stairstep` and `--by category|lag|period` over everything (no filter, as
// the command is mostly called) each added up every accuracy cell (~6,400 at 1M lines,
// sorted by item group for the GROUP BY) in a process of its own. This table keeps, per
// subset, key and item group, the sums those calls take, so an unfiltered call reads a few
// hundred rows: 'points' (the benchmarks' points, each once: has_bench = 1 and
// bench_once = 2), 'bench' (every line with both benchmarks) and 'sales' (lines with a
// sales input) for the stairstep, without a key; 'category', 'lag' and 'period' over every
// cell, keyed by that column (the others NULL). Each row is what the call's own GROUP BY
// over the cells gives for its key and group (the same statement writes it), and the
// counts of improved / worsened lines are also kept over the cells a metric scores
// (`_pos`: an actual above 0, `_scaled`: a MASE scale; metrics.ts scoredSum). Columns a
// subset does not read are NULL. One table, not covering indexes on the cells: those made
// a cold build 2.3× slower (migration 019); this is rewritten from the cells at the end of
// every refresh of the cube (accuracy/cell-totals.ts), a few GROUP BYs over the cells.
// Filled here from the cells as they are, so a cube current before stays current.

const TERMS = ['abs', 'e', 'sq', 'ape', 'sape', 'sc'];
const PAIRS = ['nv_sn', 'sn_m', 'm_f', 'm_si'];
const counted = (column: string) => [column, `${column}_pos`, `${column}_scaled`];

/** One subset's rows from the cells, as accuracy/cell-totals.ts wrote them when this shipped. */
function fill(slice: string, where: string, key: string | null, prefixes: string[], pairs: string[]): string {
  const sums: [string, string][] = ['n', 'a', 'n_pos', 'n_scaled'].map((c) => [c, `sum(c.${c})`]);
  for (const p of prefixes) for (const t of TERMS) sums.push([`${p}_${t}`, `sum(c.${p}_${t})`]);
  for (const pair of pairs) {
    for (const side of ['better', 'worse']) {
      const column = `${side}_${pair}`;
      sums.push([column, `sum(c.${column})`], [`${column}_pos`, `sum(CASE WHEN c.n_pos > 0 THEN c.${column} END)`], [`${column}_scaled`, `sum(CASE WHEN c.n_scaled > 0 THEN c.${column} END)`]);
    }
  }
  const keys = key === null ? [] : [key];
  return `INSERT INTO accuracy_cell_totals (slice, ${[...keys, 'item_group', ...sums.map(([c]) => c)].join(', ')})
  SELECT '${slice}', ${[...keys.map((k) => `c.${k}`), 'c.item_group', ...sums.map(([, sql]) => sql)].join(', ')}
  FROM accuracy_cells c ${where} GROUP BY ${[...keys.map((k) => `c.${k}`), 'c.item_group'].join(', ')};`;
}

export default /* sql */ `
CREATE TABLE accuracy_cell_totals (
  slice       TEXT NOT NULL,
  category    TEXT,
  lag         INTEGER,
  period      INTEGER,
  item_group  INTEGER NOT NULL,
  n           INTEGER NOT NULL,
  a           REAL NOT NULL,
  n_pos       INTEGER NOT NULL,
  n_scaled    INTEGER NOT NULL,
  ${['m', 'f', 'nv', 'sn', 'si'].map((p) => TERMS.map((t) => `${p}_${t} REAL`).join(', ')).join(',\n  ')},
  ${PAIRS.map((pair) => [...counted(`better_${pair}`), ...counted(`worse_${pair}`)].map((c) => `${c} INTEGER`).join(', ')).join(',\n  ')}
);
CREATE INDEX accuracy_cell_totals_slice ON accuracy_cell_totals (slice);
${fill('points', 'WHERE c.has_bench = 1 AND c.bench_once = 2', null, ['nv', 'sn'], ['nv_sn'])}
${fill('bench', 'WHERE c.has_bench = 1', null, ['sn', 'm', 'f'], ['sn_m', 'm_f'])}
${fill('sales', 'WHERE c.has_sales = 1', null, ['m', 'si'], ['m_si'])}
${fill('category', '', 'category', ['m', 'f'], ['m_f'])}
${fill('lag', '', 'lag', ['m', 'f'], ['m_f'])}
${fill('period', '', 'period', ['m', 'f'], ['m_f'])}
`;
