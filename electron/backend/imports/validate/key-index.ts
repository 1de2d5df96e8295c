// Duplicate-key detection within a file: which row first claimed a (run,
// location, item, bucket). A Set of a million composite keys costs ~200 ms; a
// dense grid of row numbers (series × bucket window) costs a few ms, so that is
// the normal path, with a Map for files whose grid would be too large. The grid
// grows in blocks of series, so more items never copy what is there.

// 128 MB of row numbers at most. 200,000 series × a window of 128 buckets (the 10M-line bench's actuals file,
// 6.2M rows) needs 25.6M cells: with a limit of 16M it fell back to the Map, which took ~7.5 s of the file's
// 12 s of reading and ~190 MB for its 6.2M keys, against ~100 MB of grid and well under a second (issue 14).
const MAX_GRID_CELLS = 1 << 25;
const BLOCK_BITS = 10;
const BLOCK_SERIES = 1 << BLOCK_BITS;
const BUCKET_SPAN = 1 << 21; // bucket indexes of real dates stay far below this

export class KeyIndex {
  /** (run, location) → item index → series number + 1. */
  private slots = new Map<number, Int32Array>();
  private lastSlotKey = -1;
  private lastSlot: Int32Array = new Int32Array(0);
  private series = 0;

  /** Block b: series b·BLOCK_SERIES… × `width` buckets from `base`, the row that claimed each cell. */
  private blocks: (Int32Array | undefined)[] = [];
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
    const block = this.blocks[series >> BLOCK_BITS];
    if (block === undefined || offset < 0 || offset >= this.width) return 0;
    return block[(series & (BLOCK_SERIES - 1)) * this.width + offset]!;
  }

  /** Claims (series, bucket) for `row` (> 0); returns the earlier row if it was taken (and then claims nothing). */
  claim(series: number, bucket: number, row: number): number {
    if (!this.map) {
      const offset = bucket - this.base;
      if (offset >= 0 && offset < this.width) {
        const b = series >> BLOCK_BITS;
        let block = this.blocks[b];
        if (block === undefined && this.cellsWith(b + 1, this.width) <= MAX_GRID_CELLS) {
          block = new Int32Array(BLOCK_SERIES * this.width);
          this.blocks[b] = block;
        }
        if (block !== undefined) {
          const cell = (series & (BLOCK_SERIES - 1)) * this.width + offset;
          const earlier = block[cell]!;
          if (earlier === 0) block[cell] = row;
          return earlier;
        }
        this.toMap();
      } else {
        this.widen(bucket);
      }
      return this.claim(series, bucket, row);
    }
    const key = series * BUCKET_SPAN + bucket;
    const earlier = this.map.get(key);
    if (earlier !== undefined) return earlier;
    this.map.set(key, row);
    return 0;
  }

  private cellsWith(blocks: number, width: number): number {
    return Math.max(blocks, this.blocks.length) * BLOCK_SERIES * width;
  }

  /** A wider bucket window that takes `bucket` (rare: periods outside the span seen so far). */
  private widen(bucket: number): void {
    const first = this.width === 0;
    const lo = first ? bucket - 64 : Math.min(this.base, bucket - 16);
    const hi = first ? bucket + 64 : Math.max(this.base + this.width, bucket + 17);
    let width = Math.max(this.width, 128);
    while (width < hi - lo) width *= 2;
    if (this.cellsWith(0, width) > MAX_GRID_CELLS) return this.toMap();
    const old = { blocks: this.blocks, base: this.base, width: this.width };
    this.blocks = old.blocks.map((block) => {
      if (block === undefined) return undefined;
      const wider = new Int32Array(BLOCK_SERIES * width);
      for (let s = 0; s < BLOCK_SERIES; s++) wider.set(block.subarray(s * old.width, (s + 1) * old.width), s * width + (old.base - lo));
      return wider;
    });
    this.base = lo;
    this.width = width;
  }

  private toMap(): void {
    const map = new Map<number, number>();
    this.blocks.forEach((block, b) => {
      if (block === undefined) return;
      for (let cell = 0; cell < block.length; cell++) {
        const row = block[cell]!;
        if (row === 0) continue;
        const series = b * BLOCK_SERIES + Math.floor(cell / this.width);
        map.set(series * BUCKET_SPAN + this.base + (cell % this.width), row);
      }
    });
    this.map = map;
    this.blocks = [];
  }
}
