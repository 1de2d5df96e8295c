// Signing in as someone in a test: managers and analysts sign in with a
// passphrase (issue 12.2), chosen as they are added; tests use one for all.
import type { BackendContext } from '../../electron/backend/context';
import type { Session, UserRole } from '../../shared/domain';
import { ok } from './api';

export const TEST_PASSPHRASE = 'test passphrase';

/**
 * Signs in as a person of the workbook, or adds them (a manager only while
 * nobody manages yet or a manager is signed in). The passphrase goes both
 * ways: checked for someone who has one, chosen by someone who has none yet.
 */
export function signInAs(ctx: BackendContext, who: { userId?: string; displayName?: string; role?: UserRole }): Promise<Session> {
  return ok(ctx, 'signIn', { ...who, passphrase: TEST_PASSPHRASE, newPassphrase: TEST_PASSPHRASE });
}

/**
 * Adds people the way the app does — a manager adds analysts and managers, anyone a
 * planner — then signs out. `manager` is added first when the workbook has no
 * manager yet; otherwise it must be one whose passphrase is TEST_PASSPHRASE.
 */
export async function addPeople(ctx: BackendContext, manager: { userId: string; displayName: string }, people: { userId: string; displayName: string; role: UserRole }[]): Promise<void> {
  await signInAs(ctx, { ...manager, role: 'manager' });
  for (const p of people) {
    await signInAs(ctx, p);
    await signInAs(ctx, { ...manager, role: 'manager' });
  }
  await ok(ctx, 'signOut', {});
}
