// FWB_PHASES=1: each phase's wall time since the process started, to stderr (profiling issue 14's import).
const on = typeof process !== 'undefined' && process.env.FWB_PHASES === '1';
export function phaseMark(name: string): void {
  if (on) process.stderr.write(`[phase] ${performance.now().toFixed(0)} ms ${name}\n`);
}
