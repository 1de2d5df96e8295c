// Who may import what, one rule for every way in (issue 12.1): the API, fwb
// --user and the Import screen, which offers only the kinds the person may import.
// Loading data is the analysts' job, and their manager's; a planner brings the
// sales side's numbers (TEAM.md). An import without a person — a pipeline's
// `fwb import` without --user on the file owner's machine — is recorded as such
// and can credit nothing to anyone (shared/decision-provenance.ts).
import type { ImportFileKind, UserRole } from './domain';
import { LATER_PUBLISHER } from './team-sync';

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

/**
 * In a team's replica an import is published to the team by the next sync, and the team's database
 * lets analysts publish items, forecasts and actuals and planners sales inputs, nothing else
 * (team schema version 4). Refused here at import, in the team's terms, rather than kept unsent
 * for the server to refuse: the rule is the same, and the person learns it while the file is at hand.
 */
export function teamImportRefusal(link: { login: string; role: UserRole }, kind: ImportFileKind): string | null {
  const publisher = (LATER_PUBLISHER as Partial<Record<ImportFileKind, UserRole>>)[kind];
  if (publisher === link.role) return null;
  const own = Object.entries(LATER_PUBLISHER).filter(([, role]) => role === link.role).map(([k]) => IMPORT_KIND_WORDS[k as ImportFileKind]);
  const a = (role: string) => (role === 'analyst' ? 'an' : 'a');
  const theirs = own.length > 0 ? `${a(link.role)} ${link.role} publishes ${own.join(', ')}` : `${a(link.role)} ${link.role} publishes no imports to it`;
  const who = publisher ? `${publisher}s import ${IMPORT_KIND_WORDS[kind]}` : `${IMPORT_KIND_WORDS[kind]} are not imported into a team's replica (decisions reach the team through fwb sync, one by one)`;
  return `This workbook is a replica of a team workbook, where every import is published to the team: login "${link.login}" is ${a(link.role)} ${link.role}, and ${theirs}; ${who}. Nothing was imported.`;
}
