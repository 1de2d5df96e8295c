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

export const ACCURACY_USAGE = `fwb accuracy --db FILE [--by SLICE] [--metric M] [--lag N] [--from PERIOD] [--to PERIOD] [--run ID] [--stairstep] [--json]
  Forecast accuracy and forecast value added over the lines whose actual is known.
  --by SLICE       model (rank every forecast source: each model, naive, seasonal_naive,
                   final, sales_input), planner, reason, direction, size (overridden lines),
                   category, lag, period, model-version, abc-class, owner, run, or any item
                   attribute (brand, family, unit, a key of the imported attributes);
                   default category
  --metric M       wape (default), mae, bias, mape, smape, mase, rmse
  --lag N          only lines of lag N (default: every line at its own lag)
  --from PERIOD    only periods from this date on (YYYY-MM-DD)
  --to PERIOD      only periods up to this date (YYYY-MM-DD)
  --run ID         only this forecast run
  --stairstep      the FVA stairstep (naive → seasonal naive → model → final plan, sales
                   input in parallel) instead of a slice
  --json           one JSON object on stdout
  Exit 0 done, 1 failed, 2 usage error, 3 input rejected (e.g. a run that does not exist).`;
