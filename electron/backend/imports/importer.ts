// The person an import is made as: someone of the workbook whose role may import
// the kind (shared/import-rules.ts), checked before anything is read, on every way
// in (the API passes who is signed in, fwb the --user it signed in). None is a
// pipeline without a person, which the batch records as imported by nobody named.
import { importRefusal, teamImportRefusal } from '../../../shared/import-rules';
import { teamLinkOf } from '../team-replica/state';
import type { Db } from '../db/open';
import { findPerson, toUser } from '../people/people';
import { WorkbenchError } from '../errors';
import type { ImportFileKind } from './types';

export function assertMayImport(db: Db, userId: string | null, kind: ImportFileKind): void {
  // A team's replica: what the login's role may publish to the team, whoever signed in (or nobody).
  const link = teamLinkOf(db);
  if (link) {
    const refusal = teamImportRefusal(link, kind);
    if (refusal !== null) throw new WorkbenchError('FORBIDDEN', refusal);
  }
  if (userId === null) return;
  const person = findPerson(db, userId);
  // Never created here: an import that named a newcomer would make a person nobody added.
  if (!person) throw new WorkbenchError('FORBIDDEN', `Nobody with the id ${userId} works in this workbook, so nothing was imported as them.`);
  const refusal = importRefusal(toUser(person), kind);
  if (refusal !== null) throw new WorkbenchError('FORBIDDEN', refusal);
}
