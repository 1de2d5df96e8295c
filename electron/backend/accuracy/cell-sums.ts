// Cells of sums kept in typed arrays while the cube is built (cube-build.ts),
// added the way SQLite's sum() adds (Kahan–Babuška–Neumaier, NULL until a value
// comes), so a cell holds what the GROUP BY it replaces held, whatever order its
// lines come in.

/** Cells of `width` sums each, found by a key; each cell also keeps the values of its key columns. */
export class CellSums<K> {
  private readonly index = new Map<K, number>();
  /** The key columns of each cell, in the order the cells were made. */
  readonly keys: unknown[][] = [];
  private sums: Float64Array;
  private errs: Float64Array;

  constructor(readonly width: number) {
    this.sums = new Float64Array(width * 64).fill(NaN);
    this.errs = new Float64Array(width * 64);
  }

  get size(): number {
    return this.keys.length;
  }

  /** The offset of the cell of `key`, or -1 when there is none yet. */
  find(key: K): number {
    const i = this.index.get(key);
    return i === undefined ? -1 : i * this.width;
  }

  /** Makes the cell of `key` with the values of its key columns; returns its offset. */
  make(key: K, columns: unknown[]): number {
    const i = this.keys.length;
    this.index.set(key, i);
    this.keys.push(columns);
    if ((i + 1) * this.width > this.sums.length) this.grow();
    return i * this.width;
  }

  /** Adds `value` to sum `column` of the cell at `offset`; NULL (null) is left out, as SUM leaves it out. */
  add(offset: number, column: number, value: number | null): void {
    if (value === null) return;
    const at = offset + column;
    const s = this.sums[at]!;
    if (s !== s) {
      this.sums[at] = value;
      return;
    }
    const t = s + value;
    this.errs[at]! += Math.abs(s) > Math.abs(value) ? s - t + value : value - t + s;
    this.sums[at] = t;
  }

  /** Adds a count (a whole number): exact without the compensation, and so the same sum. */
  count(offset: number, column: number, value: number): void {
    const at = offset + column;
    const s = this.sums[at]!;
    this.sums[at] = s !== s ? value : s + value;
  }

  /** The sum `column` of cell number `cell`: NULL when no value was added. */
  value(cell: number, column: number): number | null {
    const at = cell * this.width + column;
    const s = this.sums[at]!;
    return s !== s ? null : s + this.errs[at]!;
  }

  private grow(): void {
    const sums = new Float64Array(this.sums.length * 2).fill(NaN);
    sums.set(this.sums);
    const errs = new Float64Array(this.errs.length * 2);
    errs.set(this.errs);
    this.sums = sums;
    this.errs = errs;
  }
}

/** SQLite's order of values in ORDER BY and GROUP BY: NULL, then numbers, then text (binary). */
export function compareSqlValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  const x = String(a);
  const y = String(b);
  // UTF-16 code units order text as its UTF-8 bytes do, but for surrogate pairs.
  if (!SURROGATE.test(x) && !SURROGATE.test(y)) return x < y ? -1 : x > y ? 1 : 0;
  return Buffer.compare(Buffer.from(x), Buffer.from(y));
}
const SURROGATE = /[\uD800-\uDFFF]/;

/** The cells' numbers in the order of their key columns (as GROUP BY would write them). */
export function cellsInKeyOrder(sums: CellSums<unknown>): number[] {
  const order = sums.keys.map((_, i) => i);
  // Without a surrogate pair among the keys, text compares by code units, as compareSqlValues would, without testing each text on each comparison.
  const compare = sums.keys.some((k) => k.some((v) => typeof v === 'string' && SURROGATE.test(v))) ? compareSqlValues : compareWithoutSurrogates;
  order.sort((x, y) => {
    const kx = sums.keys[x]!;
    const ky = sums.keys[y]!;
    for (let c = 0; c < kx.length; c++) {
      const d = compare(kx[c], ky[c]);
      if (d !== 0) return d;
    }
    return 0;
  });
  return order;
}

/** compareSqlValues for values none of which is text with a surrogate pair. */
function compareWithoutSurrogates(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
