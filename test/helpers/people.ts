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
