// What `fwb check` found, collected by every part of the check in one shape.
import { canonicalJson } from './entry';
import type { AuditRecord } from './records';

export interface CheckProblem {
  check: 'integrity' | 'foreign_keys' | 'audit_chain' | 'journal' | 'line_state' | 'release' | 'governed' | 'against';
  message: string;
  auditId?: number;
  entity?: string;
  entityId?: string;
}

/** Kinds of governed rows, as they are named in findings and in `unverified`. */
export type GovernedKind = 'user' | 'policy' | 'reason_code' | 'import_batch' | 'batch_rows';

export const MAX_PROBLEMS = 100;

export class Findings {
  readonly problems: CheckProblem[] = [];
  /** Rows of a workbook without a seal that no entry records: an older version wrote them, so they cannot be verified (see seal.ts). */
  readonly unverified: Partial<Record<GovernedKind, number>> = {};

  constructor(readonly sealed: boolean) {}

  add(problem: CheckProblem): void {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(problem);
  }

  get full(): boolean {
    return this.problems.length >= MAX_PROBLEMS;
  }

  notRecorded(kind: GovernedKind, problem: CheckProblem): void {
    if (this.sealed) this.add(problem);
    else this.unverified[kind] = (this.unverified[kind] ?? 0) + 1;
  }
}

const show = (v: unknown) => (v === undefined ? 'nothing' : canonicalJson(v));

/**
 * How a row differs from its record, key by key ("role is \"manager\", recorded
 * \"planner\""); empty when they agree. Keys the record predates are skipped.
 */
export function differences(now: Record<string, unknown>, record: AuditRecord, keysAddedLater: readonly string[] = []): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(now)) {
    if (keysAddedLater.includes(key) && !(key in record.payload)) continue;
    if (canonicalJson(value) !== canonicalJson(record.payload[key])) out.push(`${key} is ${show(value)}, recorded ${show(record.payload[key])}`);
  }
  return out;
}

export function describeDifferences(diffs: string[]): string {
  return diffs.slice(0, 3).join('; ') + (diffs.length > 3 ? ` (and ${diffs.length - 3} more)` : '');
}
