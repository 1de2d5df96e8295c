// Migration 5: an import batch can be undone (imports/undo.ts). Its rows go; the
// batch's provenance record stays, marked with who undid it and when, so the
// workbook still says the file was imported once. Append-only: never edit after it ships.
export default /* sql */ `
ALTER TABLE import_batches ADD COLUMN undone_at TEXT;
ALTER TABLE import_batches ADD COLUMN undone_by TEXT REFERENCES users (user_id);
`;
