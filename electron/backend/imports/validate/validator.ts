// Validation: pure functions over batches of RawRecord → a ValidatedBatch of
// accepted rows as flat columns plus one quarantine entry per bad row (its first
// problem). Runs over a million rows, so the cell readers are char-code scans
// (read/parse/number, read/parse/date, period-keys.ts), the item/location/run dictionaries keep
// the last value seen (files come grouped), and no row allocates a Date.
import type { OptionHint } from '../../../../shared/domain';
import type { ItemRecord, DecisionRecord, LineColumns, RunSpec, ValidatedBatch } from '../validated-batch';
import { isoToKey, offGridReason } from '../period-keys';
import { KeyIndex } from './key-index';
import { parseDateCell } from '../read/parse/date';
import { parseNumber } from '../read/parse/number';
import type { ImportFileKind, QuarantineEntry, RawRecord } from '../types';
import { validateLineRow } from './line-rows';
import { validateDecisionRow, validateItemRow } from './item-and-decision-rows';
import { Dictionary, type RowChecker, type ValidatorConfig } from './row-checker';

export type { ValidatorConfig };

const NOT_FINITE = /^[+-]?(nan|inf|infinity)$/i;

export class Validator implements RowChecker {
  readonly cfg: ValidatorConfig;
  readonly header: string[];
  readonly ncols: number;
  /** XLSX rows end at their last filled cell and may hold unlabelled cells past the header; CSV rows must have every column. */
  readonly anyWidth: boolean;
  readonly decimalComma: boolean;
  readonly col: Record<string, number>;
  readonly items = new Dictionary();
  readonly locations = new Dictionary();
  readonly runKeys = new Dictionary();
  private freshRuns: RunSpec[] = [];
  readonly keys = new KeyIndex();
  /** Items files: first row of each item id. */
  readonly seenItems = new Map<string, number>();
  /** Column of the last failure (header name), set by fail(). */
  badColumn: string | null = null;
  /** An option that would have let the last failing row in, set by fail(). */
  badHint: OptionHint | undefined = undefined;
  /** Wide rows: bad cells of single models in the row being checked, quarantined on their own. */
  readonly cellProblems: { column: string | null; reason: string }[] = [];
  /** Reason of the last cell that could not be read, or null for an empty cell. */
  why: string | null = null;
  private lastOriginText: string | null = null;
  private lastOriginKey = 0;
  private lastRunModel: string | null = null;
  private lastRunVersion: string | null = null;
  private lastRunOrigin = -1;
  private lastRun = -1;

  constructor(cfg: ValidatorConfig) {
    this.cfg = cfg;
    this.header = cfg.header;
    this.ncols = cfg.header.length;
    this.anyWidth = cfg.format.format === 'xlsx';
    this.decimalComma = cfg.format.decimalComma === true;
    const col: Record<string, number> = {};
    for (const [field, i] of Object.entries(cfg.mapping.fields)) col[field] = i;
    this.col = col;
    // Location index 0 is the workbook's 'ALL', used when the file has no location column.
    this.locations.accept('ALL');
  }

  /** Records the failing column and returns the reason, so callers can `return v.fail(...)`. */
  fail(column: number | null, reason: string, hint?: OptionHint): string {
    this.badColumn = column === null || column < 0 ? null : (this.header[column] ?? null);
    this.badHint = hint;
    return reason;
  }

  /** A number cell: the value; NaN with why=null when empty, NaN with why=reason when unreadable. */
  num(text: string | undefined): number {
    if (text === undefined || text === '') {
      this.why = null;
      return NaN;
    }
    const v = parseNumber(text, this.decimalComma);
    if (v === null) {
      this.why = NOT_FINITE.test(text.trim()) ? `not a finite number: '${text}'` : `not a number: '${text}'`;
      return NaN;
    }
    return v;
  }

  /** A period cell → yyyymmdd on the workbook's grid, or 0 with why set. */
  period(text: string | undefined): number {
    if (text === undefined || text === '') {
      this.why = 'period is empty';
      return 0;
    }
    // Plain ISO dates (nearly all of them) are read once, here; other shapes go through parseDateCell.
    let key = isoToKey(text);
    if (key === 0) {
      const iso = parseDateCell(text);
      key = iso === null ? 0 : isoToKey(iso);
    }
    if (key === 0) {
      this.why = `not a date: '${text}'`;
      return 0;
    }
    const off = offGridReason(key, this.cfg.grain);
    if (off !== null) {
      this.why = off;
      return 0;
    }
    return key;
  }

  /** An origin cell → yyyymmdd (any day), the --origin for an empty cell, or -1 with why set. */
  origin(text: string | undefined): number {
    if (text === undefined || text === '') return this.cfg.originKey;
    if (text === this.lastOriginText) return this.lastOriginKey;
    const iso = parseDateCell(text);
    const key = iso === null ? 0 : isoToKey(iso);
    if (key === 0) {
      this.why = `origin is not a date: '${text}'`;
      return -1;
    }
    this.lastOriginText = text;
    this.lastOriginKey = key;
    return key;
  }

  /** Run number of (model, version, origin), adding the run if new. */
  acceptRun(model: string, version: string, originKey: number, intervalLevel: number | null): number {
    // Rows of one run come together: skip building the key when nothing changed.
    if (model === this.lastRunModel && version === this.lastRunVersion && originKey === this.lastRunOrigin) return this.lastRun;
    const key = `${model}\u0000${version}\u0000${originKey}`;
    const before = this.runKeys.size;
    const i = this.runKeys.accept(key);
    if (i === before) {
      const spec = { model, modelVersion: version, originKey, intervalLevel };
      this.freshRuns.push(spec);
    }
    this.lastRunModel = model;
    this.lastRunVersion = version;
    this.lastRunOrigin = originKey;
    this.lastRun = i;
    return i;
  }

  validate(records: RawRecord[], progress: { bytesRead: number; bytesTotal: number }): ValidatedBatch {
    const kind = this.cfg.kind;
    const quarantine: QuarantineEntry[] = [];
    let accepted = 0;
    let cellsQuarantined = 0;
    let lines: LineColumns | null = null;
    let items: ItemRecord[] | null = null;
    let decisions: DecisionRecord[] | null = null;
    if (kind === 'items') items = [];
    else if (kind === 'decisions') decisions = [];
    else lines = newColumns(records.length * Math.max(1, this.cfg.mapping.models.length), kind, this.col);

    for (let r = 0; r < records.length; r++) {
      const rec = records[r]!;
      let reason: string | null;
      if (rec.problem !== undefined) reason = this.fail(null, rec.problem);
      else if (rec.values.length !== this.ncols && !this.anyWidth) {
        reason = this.fail(null, `expected ${this.ncols} columns, found ${rec.values.length}`);
      } else if (lines) reason = validateLineRow(this, rec, lines);
      else if (items) reason = validateItemRow(this, rec, items);
      else reason = validateDecisionRow(this, rec, decisions!);
      if (reason === null) accepted++;
      else {
        const entry: QuarantineEntry = { rowNumber: rec.rowNumber, column: this.badColumn, reason, raw: rec.raw };
        if (this.badHint !== undefined) entry.hint = this.badHint;
        quarantine.push(entry);
      }
      if (this.cellProblems.length > 0) {
        if (reason === null) cellsQuarantined += this.cellProblems.length;
        for (const p of this.cellProblems) {
          const entry: QuarantineEntry = { rowNumber: rec.rowNumber, column: p.column, reason: p.reason, raw: rec.raw };
          if (reason === null) entry.cellOnly = true;
          quarantine.push(entry);
        }
        this.cellProblems.length = 0;
      }
    }
    const batch: ValidatedBatch = {
      rowsRead: records.length,
      rowsAccepted: accepted,
      quarantine,
      cellsQuarantined,
      newItems: this.items.takeFresh(),
      newLocations: this.locations.takeFresh(),
      newRuns: this.freshRuns,
      lines,
      items,
      decisions,
      bytesRead: progress.bytesRead,
      bytesTotal: progress.bytesTotal,
    };
    this.freshRuns = [];
    return batch;
  }
}

/** A batch's columns as views of ONE buffer: one allocation and one transfer instead of eight. */
function newColumns(capacity: number, kind: ImportFileKind, col: Record<string, number>): LineColumns {
  const bounds = kind === 'forecasts';
  const floats = bounds ? 3 : 1;
  const buffer = new ArrayBuffer(capacity * (floats * 8 + 5 * 4));
  let at = 0;
  const f64 = () => {
    const a = new Float64Array(buffer, at, capacity);
    at += capacity * 8;
    return a;
  };
  const i32 = () => {
    const a = new Int32Array(buffer, at, capacity);
    at += capacity * 4;
    return a;
  };
  // Doubles first: their views must start on a multiple of 8.
  const quantity = f64();
  const lower = bounds ? f64() : null;
  const upper = bounds ? f64() : null;
  return {
    count: 0,
    run: i32(),
    item: i32(),
    location: i32(),
    period: i32(),
    bucket: i32(),
    quantity,
    lower,
    upper,
    source: kind === 'sales_inputs' && col.source !== undefined ? [] : null,
    note: kind === 'sales_inputs' && col.note !== undefined ? [] : null,
  };
}

export function createValidator(cfg: ValidatorConfig): Validator {
  return new Validator(cfg);
}
