// The median of a run's line volumes (its typical volume, exceptions/score.ts) by
// selection: a million volumes need not all be sorted for the one or two in the middle.

/**
 * Puts the `k`-th smallest of `a` at `a[k]`, the smaller before it and the larger after (Hoare's selection):
 * the median of a run's volumes without sorting them all (a tenth of a second at 1M lines). Falls back to a
 * sort when the partitions shrink too slowly, so no input makes it quadratic.
 */
function selectKth(a: Float64Array, k: number): void {
  let [lo, hi] = [0, a.length - 1];
  let budget = 2 * Math.ceil(Math.log2(a.length + 1)) + 8;
  while (lo < hi) {
    if (budget-- === 0) {
      a.subarray(lo, hi + 1).sort();
      return;
    }
    // Median of three as the pivot.
    const mid = (lo + hi) >> 1;
    const [x, y, z] = [a[lo]!, a[mid]!, a[hi]!];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let [i, j] = [lo, hi];
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i++] = a[j]!;
        a[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

/** The median of `volumes` as medianVolume gives it once they are sorted, at least 1 unit; reorders them. */
export function medianVolumeOf(volumes: Float64Array): number {
  const n = volumes.length;
  if (!n) return 1;
  const mid = n >> 1;
  selectKth(volumes, mid);
  if (n % 2) return Math.max(volumes[mid]!, 1);
  // The one below the middle is the largest of those before it.
  let below = volumes[0]!;
  for (let i = 1; i < mid; i++) if (volumes[i]! > below) below = volumes[i]!;
  return Math.max((below + volumes[mid]!) / 2, 1);
}
