// Duplicate-key detection within a file: which row first claimed a (run,
// location, item, bucket). A Set of a million composite keys costs ~200 ms; a
// dense grid of row numbers (series × bucket window) costs a few ms, so that is
// the normal path, with a Map for files whose grid would be too large.

const MAX_GRID_CELLS = 1 << 24; // 64 MB of row numbers
const BUCKET_SPAN = 1 << 21; // bucket indexes of real dates stay far below this

export class KeyIndex {
  /** (run, location) → item index → series number + 1. */
  private slots = new Map<number, Int32Array>();
  private lastSlotKey = -1;
  private lastSlot: Int32Array = new Int32Array(0);
  private series = 0;

  private grid: Int32Array | null = new Int32Array(0);
  private seriesCap = 0;
  private base = 0;
  private width = 0;
  private map: Map<number, number> | null = null;

  /** Series number of (run, location, item), assigned on first sight. */
  seriesOf(run: number, location: number, item: number): number {
    const slotKey = run * 1_048_576 + location;
    let slot = this.lastSlotKey === slotKey ? this.lastSlot : this.slots.get(slotKey);
    if (slot === undefined || item >= slot.length) {
      const grown = new Int32Array(Math.max(1024, (item + 1) * 2));
      if (slot) grown.set(slot);
      slot = grown;
      this.slots.set(slotKey, slot);
    }
    this.lastSlotKey = slotKey;
    this.lastSlot = slot;
    let s = slot[item]!;
    if (s === 0) {
      s = ++this.series;
      slot[item] = s;
    }
    return s - 1;
  }

  /** The row that already holds (series, bucket), or 0. */
  peek(series: number, bucket: number): number {
    if (this.map) return this.map.get(series * BUCKET_SPAN + bucket) ?? 0;
    const offset = bucket - this.base;
    if (series >= this.seriesCap || offset < 0 || offset >= this.width) return 0;
    return this.grid![series * this.width + offset]!;
  }

  /** Claims (series, bucket) for `row` (> 0); returns the earlier row if it was taken (and then claims nothing). */
  claim(series: number, bucket: number, row: number): number {
    if (!this.map) {
      const offset = bucket - this.base;
      if (series < this.seriesCap && offset >= 0 && offset < this.width) {
        const cell = series * this.width + offset;
        const earlier = this.grid![cell]!;
        if (earlier === 0) this.grid![cell] = row;
        return earlier;
      }
      this.regrid(series, bucket);
      if (!this.map) return this.claim(series, bucket, row);
    }
    const key = series * BUCKET_SPAN + bucket;
    const earlier = this.map!.get(key);
    if (earlier !== undefined) return earlier;
    this.map!.set(key, row);
    return 0;
  }

  /** Grows the grid to take (series, bucket), or moves everything to the Map when it would be too big. */
  private regrid(series: number, bucket: number): void {
    const first = this.width === 0;
    const inside = !first && bucket >= this.base && bucket < this.base + this.width;
    const lo = first ? bucket - 64 : inside ? this.base : Math.min(this.base, bucket - 16);
    const hi = first ? bucket + 64 : inside ? this.base + this.width : Math.max(this.base + this.width, bucket + 17);
    let width = Math.max(this.width, 128);
    while (width < hi - lo) width *= 2;
    let seriesCap = Math.max(this.seriesCap, 1024);
    while (seriesCap <= series) seriesCap *= 2;
    if (seriesCap * width > MAX_GRID_CELLS) {
      this.map = new Map();
      this.forEachCell((s, b, row) => this.map!.set(s * BUCKET_SPAN + b, row));
      this.grid = null;
      return;
    }
    const grid = new Int32Array(seriesCap * width);
    // Rows are series: more series with the same window is a plain copy.
    if (lo === this.base && width === this.width) grid.set(this.grid!);
    else this.forEachCell((s, b, row) => (grid[s * width + (b - lo)] = row));
    this.grid = grid;
    this.base = lo;
    this.width = width;
    this.seriesCap = seriesCap;
  }

  private forEachCell(fn: (series: number, bucket: number, row: number) => void): void {
    const grid = this.grid!;
    for (let s = 0; s < this.seriesCap; s++) {
      for (let o = 0; o < this.width; o++) {
        const row = grid[s * this.width + o]!;
        if (row !== 0) fn(s, this.base + o, row);
      }
    }
  }
}
