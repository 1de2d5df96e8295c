// Who may import what, one rule for every way in (issue 12.1): the API, fwb
// --user and the Import screen, which offers only the kinds the person may import.
// Loading data is the analysts' job, and their manager's; a planner brings the
// sales side's numbers (TEAM.md). An import without a person — a pipeline's
// `fwb import` without --user on the file owner's machine — is recorded as such
// and can credit nothing to anyone (shared/decision-provenance.ts).
import type { ImportFileKind, UserRole } from './domain';

export const IMPORT_KINDS_BY_ROLE: Record<UserRole, readonly ImportFileKind[]> = {
  analyst: ['items', 'forecasts', 'actuals', 'sales_inputs', 'decisions'],
  manager: ['items', 'forecasts', 'actuals', 'sales_inputs', 'decisions'],
  planner: ['sales_inputs'],
};

/** A kind of file as a sentence names it. */
export const IMPORT_KIND_WORDS: Record<ImportFileKind, string> = {
  items: 'items',
  forecasts: 'forecasts',
  actuals: 'actuals',
  sales_inputs: 'sales inputs',
  decisions: 'decision history',
};

const IMPORT_KIND_LIST = Object.keys(IMPORT_KIND_WORDS) as ImportFileKind[];

export const mayImport = (role: UserRole, kind: ImportFileKind): boolean => IMPORT_KINDS_BY_ROLE[role].includes(kind);

const whatTheyImport = (person: { displayName: string; role: UserRole }) =>
  `${person.displayName} is a ${person.role}: ${person.role}s import ${IMPORT_KINDS_BY_ROLE[person.role].map((k) => IMPORT_KIND_WORDS[k]).join(', ')}`;

/** The sentence an import of `kind` by this person is refused with, or null when they may. */
export function importRefusal(person: { displayName: string; role: UserRole }, kind: ImportFileKind): string | null {
  if (mayImport(person.role, kind)) return null;
  return `${whatTheyImport(person)}; an analyst or a manager imports ${IMPORT_KIND_WORDS[kind]}.`;
}

/** What the Import screen says to someone who may import only some kinds; null for those who may import all. */
export function importKindsNote(person: { displayName: string; role: UserRole }): string | null {
  if (IMPORT_KINDS_BY_ROLE[person.role].length === IMPORT_KIND_LIST.length) return null;
  return `${whatTheyImport(person)}; analysts and managers import the other kinds.`;
}
