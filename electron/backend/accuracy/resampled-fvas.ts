// The bootstrap's inner loops (bootstrap.ts): for each of the 1 000 resamples, the
// item groups' sums weighted by that resample's Poisson weights, and from them the
// resample's FVA. Every row of every accuracy table runs them (32 000 multiply-adds
// of three sums, then a thousand metric values), and fwb answers in a fresh process
// each time, where JavaScript this hot still runs in V8's interpreter, boxing every
// intermediate double (2–4 ms a row, and the garbage collections after). WebAssembly
// is compiled before it runs, so the same loops cost a few hundredths of a millisecond
// from the first row. The arithmetic is IEEE double in both, without fused
// multiply-adds, in the loops' own order (groups in order, a zero weight skipped; the
// metric's value as metrics.ts's metricValue, the FVA as its fvaOf), so every FVA is
// the one JavaScript computes, bit for bit: test/unit/accuracy-resampled-fvas.test.ts
// holds the sums to the plain loop, accuracy-bootstrap.test.ts the intervals to the
// plain method for every metric.
//
// The module is small enough to write out here rather than to need a WebAssembly
// toolchain in the build. Its one function, in the text format:
//
//   (func (export "fvas") (param $weights $groups $resamples $present $index $dens $befores $afters $out i32)
//         (param $factor f64) (param $root $bias i32) (result i32)  ;; how many resamples had a denominator
//     (local $b $j $p $w $count i32) (local $k $den $before $after f64)
//     (block (loop                                   ;; each resample b
//       (br_if 1 (i32.ge_u (local.get $b) (local.get $resamples)))
//       (local.set $p (i32.add (local.get $weights) (i32.mul (local.get $b) (local.get $groups))))
//       (local.set $den (f64.const 0)) (local.set $before (f64.const 0)) (local.set $after (f64.const 0))
//       (local.set $j (i32.const 0))
//       (block (loop                                 ;; each group with lines, in order
//         (br_if 1 (i32.ge_u (local.get $j) (local.get $present)))
//         (if (local.tee $w (i32.load8_u (i32.add (local.get $p) (i32.load (i32.add (local.get $index) (i32.shl (local.get $j) (i32.const 2))))))) (then
//           (local.set $k (f64.convert_i32_u (local.get $w)))
//           (local.set $den (f64.add (local.get $den) (f64.mul (local.get $k) (f64.load (i32.add (local.get $dens) (i32.shl (local.get $j) (i32.const 3)))))))
//           … $before from $befores, $after from $afters, the same way))
//         (local.set $j (i32.add (local.get $j) (i32.const 1))) (br 0)))
//       (if (f64.gt (local.get $den) (f64.const 0)) (then  ;; metricValue: (factor × sum) / den, its root for RMSE
//         (local.set $before (f64.div (f64.mul (local.get $factor) (local.get $before)) (local.get $den)))
//         (local.set $after (f64.div (f64.mul (local.get $factor) (local.get $after)) (local.get $den)))
//         (if (local.get $root) (then (local.set $before (f64.sqrt …)) (local.set $after (f64.sqrt …))))
//         (f64.store (i32.add (local.get $out) (i32.shl (local.get $count) (i32.const 3)))  ;; fvaOf: bias compares distances from 0
//           (if (result f64) (local.get $bias) (then (f64.sub (f64.abs $before) (f64.abs $after))) (else (f64.sub $before $after))))
//         (local.set $count (i32.add (local.get $count) (i32.const 1)))))
//       (local.set $b (i32.add (local.get $b) (i32.const 1))) (br 0)))
//     (local.get $count))
import type { Metric } from '../../../shared/accuracy';
import { METRIC_TERMS } from './metrics';

const Op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  f64Load: 0x2b,
  i32Load8U: 0x2d,
  f64Store: 0x39,
  i32Const: 0x41,
  f64Const: 0x44,
  i32GeU: 0x4f,
  f64Gt: 0x64,
  i32Add: 0x6a,
  i32Mul: 0x6c,
  i32Shl: 0x74,
  f64Abs: 0x99,
  f64Sqrt: 0x9f,
  f64Add: 0xa0,
  f64Sub: 0xa1,
  f64Mul: 0xa2,
  f64Div: 0xa3,
  f64ConvertI32U: 0xb8,
} as const;
const VOID = 0x40;
const I32 = 0x7f;
const F64 = 0x7c;
// Parameters, then locals, by index.
const [WEIGHTS, GROUPS, RESAMPLES, PRESENT, INDEX, DENS, BEFORES, AFTERS, OUT, FACTOR, ROOT, BIAS] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const [B, J, P, W, COUNT, K, DEN, BEFORE, AFTER] = [12, 13, 14, 15, 16, 17, 18, 19, 20];

const get = (local: number) => [Op.localGet, local];
const set = (local: number) => [Op.localSet, local];
const zero = [Op.f64Const, 0, 0, 0, 0, 0, 0, 0, 0];
/** `sum += k * array[j]` for one of the three sums (memory immediates: alignment as log2, offset). */
const addWeighted = (sum: number, array: number) => [...get(sum), ...get(K), ...get(array), ...get(J), Op.i32Const, 3, Op.i32Shl, Op.i32Add, Op.f64Load, 3, 0, Op.f64Mul, Op.f64Add, ...set(sum)];
/** `sum = (factor × sum) / den`, as metricValue. */
const metricValue = (sum: number) => [...get(FACTOR), ...get(sum), Op.f64Mul, ...get(DEN), Op.f64Div, ...set(sum)];
const root = (sum: number) => [...get(sum), Op.f64Sqrt, ...set(sum)];

const BODY = [
  2, 5, I32, 4, F64, // locals: b j p w count (i32), k den before after (f64)
  Op.block, VOID, Op.loop, VOID,
  ...get(B), ...get(RESAMPLES), Op.i32GeU, Op.brIf, 1,
  ...get(WEIGHTS), ...get(B), ...get(GROUPS), Op.i32Mul, Op.i32Add, ...set(P),
  ...zero, ...set(DEN), ...zero, ...set(BEFORE), ...zero, ...set(AFTER),
  Op.i32Const, 0, ...set(J),
  Op.block, VOID, Op.loop, VOID,
  ...get(J), ...get(PRESENT), Op.i32GeU, Op.brIf, 1,
  ...get(P), ...get(INDEX), ...get(J), Op.i32Const, 2, Op.i32Shl, Op.i32Add, Op.i32Load, 2, 0, Op.i32Add, Op.i32Load8U, 0, 0, Op.localTee, W,
  Op.if, VOID,
  ...get(W), Op.f64ConvertI32U, ...set(K),
  ...addWeighted(DEN, DENS), ...addWeighted(BEFORE, BEFORES), ...addWeighted(AFTER, AFTERS),
  Op.end,
  ...get(J), Op.i32Const, 1, Op.i32Add, ...set(J), Op.br, 0,
  Op.end, Op.end,
  ...get(DEN), ...zero, Op.f64Gt, Op.if, VOID,
  ...metricValue(BEFORE), ...metricValue(AFTER),
  ...get(ROOT), Op.if, VOID, ...root(BEFORE), ...root(AFTER), Op.end,
  ...get(OUT), ...get(COUNT), Op.i32Const, 3, Op.i32Shl, Op.i32Add,
  ...get(BIAS), Op.if, F64, ...get(BEFORE), Op.f64Abs, ...get(AFTER), Op.f64Abs, Op.f64Sub, Op.else, ...get(BEFORE), ...get(AFTER), Op.f64Sub, Op.end,
  Op.f64Store, 3, 0,
  ...get(COUNT), Op.i32Const, 1, Op.i32Add, ...set(COUNT),
  Op.end,
  ...get(B), Op.i32Const, 1, Op.i32Add, ...set(B), Op.br, 0,
  Op.end, Op.end,
  ...get(COUNT),
  Op.end,
];

/** Unsigned LEB128, as the binary format writes sizes and counts. */
function leb(n: number): number[] {
  const bytes: number[] = [];
  do {
    const low = n & 0x7f;
    n >>>= 7;
    bytes.push(n === 0 ? low : low | 0x80);
  } while (n !== 0);
  return bytes;
}
const section = (id: number, content: number[]) => [id, ...leb(content.length), ...content];
const name = (text: string) => [text.length, ...Array.from(text, (c) => c.charCodeAt(0))];

const MODULE = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
  ...section(1, [1, 0x60, 12, ...Array(9).fill(I32), F64, I32, I32, 1, I32]), // one type: the parameters above, a count back
  ...section(3, [1, 0]), // one function, of that type
  ...section(5, [1, 0, 1]), // one memory of one page to start with
  ...section(7, [2, ...name('memory'), 2, 0, ...name('fvas'), 0, 0]),
  ...section(10, [1, ...leb(BODY.length), ...BODY]),
]);

// The backend's TypeScript setup (Node's types, no DOM) declares no WebAssembly API; the little used here, typed here.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface Instance {
  memory: WasmMemory;
  fvas: (weights: number, groups: number, resamples: number, present: number, index: number, dens: number, befores: number, afters: number, out: number, factor: number, root: number, bias: number) => number;
}

let instance: Instance | null = null;
/** The weights now in the module's memory, from its start (the same for every row of a request). */
let weightsLoaded: Uint8Array[] | null = null;

function loaded(): Instance {
  if (!instance) {
    const { exports } = new wasm.Instance(new wasm.Module(MODULE));
    instance = exports as unknown as Instance;
  }
  return instance;
}

const align8 = (n: number) => (n + 7) & ~7;

/** The weights into the module's memory from its start, row after row: in one copy when the rows lie so already (as bootstrapWeights cuts them from one array). */
function loadWeights(bytes: Uint8Array, weights: Uint8Array[], width: number): void {
  const first = weights[0];
  if (first === undefined) return;
  let contiguous = true;
  for (let b = 0; b < weights.length; b++) {
    const row = weights[b]!;
    if (row.length !== width) throw new RangeError('every resample weighs the same groups');
    if (row.buffer !== first.buffer || row.byteOffset !== first.byteOffset + b * width) contiguous = false;
  }
  if (contiguous) bytes.set(new Uint8Array(first.buffer, first.byteOffset, weights.length * width));
  else weights.forEach((row, b) => bytes.set(row, b * width));
}

/**
 * The FVA of `after` over `before` in each resample that has a denominator, in resample
 * order: per resample, the present groups' sums (in the order given) weighted by its
 * weights (a group of weight 0 left out), the metric of each sum over the weighted
 * denominator (metricValue), and their difference (fvaOf). `groups[j]` is a group's
 * index into each row of `weights`; dens, befores and afters its sums. The array holds
 * until the next call.
 */
export function resampledFvas(metric: Metric, weights: Uint8Array[], groups: ArrayLike<number>, dens: Float64Array, befores: Float64Array, afters: Float64Array): Float64Array {
  const { memory, fvas } = loaded();
  const resamples = weights.length;
  const width = resamples === 0 ? 0 : weights[0]!.length;
  const present = groups.length;
  for (let j = 0; j < present; j++) {
    if (!(groups[j]! >= 0 && groups[j]! < width)) throw new RangeError(`item group ${groups[j]} is outside the weights' ${width} groups`);
  }
  const index = align8(resamples * width);
  const densAt = align8(index + present * 4);
  const beforesAt = densAt + present * 8;
  const aftersAt = beforesAt + present * 8;
  const out = aftersAt + present * 8;
  const needed = out + resamples * 8;
  if (needed > memory.buffer.byteLength) {
    memory.grow(Math.ceil((needed - memory.buffer.byteLength) / 65536));
  }
  const bytes = new Uint8Array(memory.buffer);
  if (weightsLoaded !== weights) {
    loadWeights(bytes, weights, width);
    weightsLoaded = weights;
  }
  new Int32Array(memory.buffer, index, present).set(groups);
  new Float64Array(memory.buffer, densAt, present).set(dens);
  new Float64Array(memory.buffer, beforesAt, present).set(befores);
  new Float64Array(memory.buffer, aftersAt, present).set(afters);
  const { factor, root } = METRIC_TERMS[metric];
  const count = fvas(0, width, resamples, present, index, densAt, beforesAt, aftersAt, out, factor, root ? 1 : 0, metric === 'bias' ? 1 : 0);
  return new Float64Array(memory.buffer, out, count);
}
