// Usage text of every fwb command, apart from the commands themselves so that
// `fwb --help` and each command load only what they need.

export const CHECK_USAGE = `fwb check --db FILE [--json]
  Verifies the workbook: SQLite integrity, foreign keys, the hash-chained audit log,
  and that every decision and approval matches its audit entry. Exit 0 when all
  holds, 1 when anything is wrong (the first broken entry is named).`;

export const DEMO_USAGE = `fwb demo --db FILE [--items N] [--months N] [--seed S] [--force] [--json]
  Writes a realistic, deterministic demo workbook (same seed, same data).
  --items N    number of items (default 500)
  --months N   months of actual history, at least 36 (default 42)
  --seed S     random seed (default 42)
  --force      replace FILE if it already exists`;

export const IMPORT_USAGE = `fwb import --db FILE --kind items|forecasts|actuals|sales-inputs|decisions [options] FILE...
  Imports CSV or XLSX files into the workbook (created if missing), one batch per file.
  --kind KIND            what the files hold
  --model NAME           forecasts: model name when the file has no model column
  --model-version V      model version when the file has no version column
  --origin YYYY-MM-DD    forecasts: origin (as-of date) when the file has no origin column
  --grain G              month|week|quarter|year, for a new workbook (default month)
  --map field=column     use this column for this field (repeatable; remembered for the source)
  --sheet NAME           XLSX: the sheet to read (default: the first)
  --strict               any bad row refuses the whole file (default: bad rows go to quarantine)
  --force                import a file even if the same bytes were imported before
  --create-items         create items the workbook does not know (default)
  --reject-unknown-items quarantine rows of unknown items instead
  --user NAME            who is importing (recorded in the batch)
  --json                 one JSON object per file on stdout`;
