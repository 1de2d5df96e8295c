// Migration 3: people sign in (issue 12.2). Append-only: never edit after it ships.
//
// A manager's or an analyst's passphrase is kept as an scrypt hash with its salt
// and parameters, in a table of its own so that no query of people ever reads it.
// Who is signed in now belongs to the running backend, not to the file: the
// earlier versions' 'current_user' is dropped, so nobody opens a workbook signed in.
// And nobody approves their own decision, whichever way the approval is written.
export default /* sql */ `
CREATE TABLE user_passphrases (
  user_id TEXT PRIMARY KEY REFERENCES users (user_id),
  -- scrypt$ln=15,r=8,p=1$<salt, base64>$<key, base64>
  hash    TEXT NOT NULL CHECK (hash LIKE 'scrypt$%'),
  set_at  TEXT NOT NULL
) WITHOUT ROWID;

DELETE FROM workbook_meta WHERE key = 'current_user';

CREATE TRIGGER approvals_not_by_author BEFORE INSERT ON approvals
WHEN NEW.verdict = 'approved' AND NEW.decided_by = (SELECT decided_by FROM decisions WHERE decision_id = NEW.decision_id)
BEGIN SELECT RAISE(ABORT, 'nobody approves their own decision'); END;
`;
