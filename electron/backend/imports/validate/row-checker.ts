// What the row checks (line-rows.ts, item-and-decision-rows.ts) see of the
// validator: its configuration, the dictionaries a row's items, locations and
// runs are numbered in, and the cell readers. Both the Validator and the row
// checks depend on this module, never on each other, so the pipeline has no loop.
import type { OptionHint } from '../../../../shared/domain';
import type { Grain } from '../../../../shared/period';
import type { MappingResult } from '../read/mapping';
import type { ImportFileKind, SourceFormat } from '../types';
import type { KeyIndex } from './key-index';

export interface ValidatorConfig {
  kind: ImportFileKind;
  header: string[];
  mapping: MappingResult;
  format: SourceFormat;
  grain: Grain;
  /** yyyymmdd of --origin, or 0. */
  originKey: number;
  /** Model name for files without a model column (already defaulted by the caller). */
  model: string;
  modelVersion: string;
  unknownItems: 'create' | 'reject';
  /** Item ids already in the workbook; needed only when unknown items are rejected. */
  knownItems: ReadonlySet<string> | null;
}

/** A dictionary numbering strings in order of first acceptance; new entries are reported per batch. */
export class Dictionary {
  private readonly index = new Map<string, number>();
  fresh: string[] = [];
  private lastText: string | null = null;
  private last = -1;

  get size(): number {
    return this.index.size;
  }

  /** The number of `text`, or -1 if it has not been accepted yet. */
  find(text: string): number {
    if (text === this.lastText) return this.last;
    return this.index.get(text) ?? -1;
  }

  /** Number of `text`, adding it (as new) if needed. */
  accept(text: string): number {
    if (text === this.lastText) return this.last;
    let i = this.index.get(text);
    if (i === undefined) {
      i = this.index.size;
      this.index.set(text, i);
      this.fresh.push(text);
    }
    this.lastText = text;
    this.last = i;
    return i;
  }

  takeFresh(): string[] {
    const out = this.fresh;
    this.fresh = [];
    return out;
  }
}

/** The validator as a row check uses it (implemented by Validator). */
export interface RowChecker {
  readonly cfg: ValidatorConfig;
  readonly header: string[];
  readonly col: Record<string, number>;
  readonly items: Dictionary;
  readonly locations: Dictionary;
  readonly keys: KeyIndex;
  /** Items files: first row of each item id. */
  readonly seenItems: Map<string, number>;
  /** Wide rows: bad cells of single models in the row being checked, quarantined on their own. */
  readonly cellProblems: { column: string | null; reason: string }[];
  /** Column of the last failure (header name), set by fail(). */
  badColumn: string | null;
  /** Reason of the last cell that could not be read, or null for an empty cell. */
  why: string | null;
  /** Records the failing column and returns the reason, so callers can `return v.fail(...)`. */
  fail(column: number | null, reason: string, hint?: OptionHint): string;
  /** A number cell: the value; NaN with why=null when empty, NaN with why=reason when unreadable. */
  num(text: string | undefined): number;
  /** A period cell → yyyymmdd on the workbook's grid, or 0 with why set. */
  period(text: string | undefined): number;
  /** An origin cell → yyyymmdd (any day), the --origin for an empty cell, or -1 with why set. */
  origin(text: string | undefined): number;
  /** Run number of (model, version, origin), adding the run if new. */
  acceptRun(model: string, version: string, originKey: number, intervalLevel: number | null): number;
}
