// The refusal of a whole file that still carries its row errors, so `fwb import
// --json` and the app can list them (strict mode: every bad row, not just the first).
import { WorkbenchError } from '../errors';
import type { ImportRowError } from './types';

export class ImportRejectedError extends WorkbenchError {
  readonly errors: ImportRowError[];
  readonly rowsRead: number;
  readonly rowsQuarantined: number;

  constructor(message: string, where: { file?: string; row?: number; column?: string }, errors: ImportRowError[], counts = { rowsRead: 0, rowsQuarantined: 0 }) {
    super('INPUT_REJECTED', message, where);
    this.name = 'ImportRejectedError';
    this.errors = errors;
    this.rowsRead = counts.rowsRead;
    this.rowsQuarantined = counts.rowsQuarantined;
  }
}

/**
 * Calls `report` at most every `ms` milliseconds (and always for `force`), so progress never costs time; the first
 * report of a new stage (`stageOf`) always goes through, so a person sees each stage begin however fast the last one was.
 */
export function throttle<T>(report: ((value: T) => void) | undefined, ms = 100, stageOf?: (value: T) => unknown): (value: T, force?: boolean) => void {
  if (!report) return () => {};
  let last = -Infinity;
  let stage: unknown;
  return (value, force = false) => {
    const now = performance.now();
    const next = stageOf?.(value);
    if (!force && now - last < ms && next === stage) return;
    last = now;
    stage = next;
    report(value);
  };
}
