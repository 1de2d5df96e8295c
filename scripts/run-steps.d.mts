export interface Step {
  name: string;
  label: string;
  command: string;
  args: string[];
  needs?: string[];
}
export type StepOutcome = 'passed' | 'failed' | 'not run';
export function runSteps(
  steps: Step[],
  options: { cwd: string; log?: (line: string) => void; stdio?: 'inherit' | 'ignore' },
): { outcome: Map<string, StepOutcome>; ok: boolean };
