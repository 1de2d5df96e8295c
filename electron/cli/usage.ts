// Usage text of every fwb command, apart from the commands themselves so that
// `fwb --help` and each command load only what they need.

export const CHECK_USAGE = `fwb check --db FILE [--against COPY] [--team] [--json]
  Verifies the workbook: SQLite integrity, foreign keys, the hash-chained audit log,
  that every decision, approval and release matches its audit entry, and that users,
  policies, reason codes, import batches and the rows each batch wrote match what the
  audit log recorded. Exit 0 when all holds, 1 when anything is wrong (the first
  broken entry is named).
  --against COPY  a backup (.sqlite) or a plan or accuracy export (.csv, .xlsx): its
                  recorded audit chain head must still be in the workbook's chain, so a
                  chain rewritten since the copy was made shows
  --team          for a team's replica, also: the team's audit chain on the server (every
                  entry's hash recomputed) and that the replica's copy of it is a prefix
                  of it; the password as for fwb team join (PGPASSWORD, ~/.pgpass, PGSERVICE)`;

export const DEMO_USAGE = `fwb demo --db FILE [--items N] [--months N] [--seed S] [--force] [--json]
  Writes a realistic, deterministic demo workbook (same seed, same data).
  --items N    number of items (default 500)
  --months N   months of actual history, at least 36 (default 42)
  --seed S     random seed (default 42)
  --force      replace FILE if it already exists; the old file is kept as FILE.before-demo-<time>`;

export const IMPORT_USAGE = `fwb import --db FILE --kind items|forecasts|actuals|sales-inputs|decisions [options] FILE...
       fwb import --db FILE --undo BATCH [--user ID [--passphrase-stdin]] [--json]
  Imports CSV or XLSX files into the workbook (created if missing), one batch per file.
  --undo BATCH takes a batch back while nothing depends on it (no decisions on its lines,
  not released): its rows are removed, values it superseded are current again, and the
  batch stays in the history marked undone (who, when); the same file imports again.
  --kind KIND            what the files hold; decisions is decision history (made before the
                         team used the app): it lands only on lines whose actual is known or on
                         runs older than their model's newest, is credited to nobody of the
                         workbook (the decider it names stays text, shown as imported), and
                         rows on an open line are quarantined ("line is open: decide it in Review")
  --model NAME           forecasts: model name when the file has no model column
  --model-version V      model version when the file has no version column
  --origin YYYY-MM-DD    forecasts: origin (as-of date) when the file has no origin (or cutoff)
                         column; without either, each series' origin is its last actual
                         before its first forecast period (series without one are quarantined)
  --grain G              month|week|quarter|year, for a new workbook (default month)
  --map field=column     use this column for this field (repeatable; remembered for the source)
  --sheet NAME           XLSX: the sheet to read (default: the first)
  --strict               any bad row refuses the whole file (default: bad rows go to quarantine)
  --force                import a file even if the same bytes were imported before
  --create-items         create items the workbook does not know (item files always do; other
                         files quarantine rows of unknown items by default)
  --reject-unknown-items quarantine rows of unknown items (the default)
  --user ID              who is importing or undoing (recorded; without it the batch or undo is anonymous,
                         as a pipeline's, and history it imports shows "imported by nobody named"):
                         a person of the workbook; a manager or analyst gives their passphrase with
                         --passphrase-stdin or FWB_PASSPHRASE; a planner imports sales inputs only
  --passphrase-stdin     read the --user's passphrase from standard input (never give it as an argument)
  --json                 one JSON object per file on stdout
  Exit 0 done (bad rows quarantined and listed), 1 failed, 2 usage error, 3 a file refused or
  none of its rows accepted (its batch and quarantine are kept; the other files still import).`;

export const ACCURACY_USAGE = `fwb accuracy --db FILE [--by SLICE] [--metric M] [--lag N] [--from PERIOD] [--to PERIOD] [--run ID] [--stairstep] [--json]
  Forecast accuracy and forecast value added over the lines whose actual is known.
  --by SLICE       model (rank every forecast source: each model, naive, seasonal_naive,
                   final, sales_input), planner, reason, direction, size (overridden lines),
                   category, lag, period, model-version, abc-class, owner, run, or any item
                   attribute (brand, family, unit, a key of the imported attributes);
                   default category
  --metric M       wape (default), mae, bias, mape, smape, mase, rmse; every n counts the
                   lines the metric scored (mape leaves out actuals of 0, mase items without
                   an in-sample scale: a "left out" column, "excluded" in --json, says how many)
  --lag N          only lines of lag N (default: every line at its own lag)
  --from PERIOD    only periods from this date on (YYYY-MM-DD)
  --to PERIOD      only periods up to this date (YYYY-MM-DD)
  --run ID         only this forecast run
  --stairstep      the FVA stairstep (naive → seasonal naive → model → final plan, sales
                   input in parallel) instead of a slice
  --json           one JSON object on stdout
  Exit 0 done, 1 failed, 2 usage error, 3 input rejected (e.g. a run that does not exist).`;

export const EXPORT_USAGE = `fwb export --db FILE --what plan|quarantine|audit|accuracy|governance [options] --format csv|xlsx|html --out FILE [--force]
  Writes a table of the workbook to a file (written aside and renamed, never half-written).
  --what plan            the reconciled plan: model and final quantity, source, reason, who and when, approval
  --run ID               plan: the forecast run (default: the current run, the main model's newest)
  --version N            plan: a released version of the run instead of the plan as it stands
  --what quarantine      rows an import put in quarantine; --batch ID names the import batch
  --what audit           the hash-chained audit log
  --what accuracy        an accuracy table: --by stairstep (default), direction-size, model, planner, reason, direction,
                         size, category, abc-class, owner, lag, period, model-version, run, attr:NAME or trust-map;
                         --metric wape|mae|bias|mape|smape|mase|rmse; --run ID, --lag N, --from/--to PERIOD;
                         trust-map: WAPE per category over the last --window N cycles (default 9), no filter
  --what governance      the governance report: seven questions and the value of planning, answered with figures and charts, as HTML
  --format csv|xlsx|html CSV (RFC 4180, UTF-8, formula-safe text), XLSX (typed cells); html for governance
  --out FILE             where to write; never the workbook, its -wal/-shm or its backups
  --force                replace OUT if it already exists
  --json                 one JSON object on stdout: what, format, path, rows, bytes`;

export const BACKUP_USAGE = `fwb backup --db FILE --out FILE [--force] [--json]
  Copies the workbook through SQLite's online backup API: safe while the app has it
  open and writing. The copy is checked before it gets its name.
  --force    replace OUT if it already exists (never the workbook, its -wal/-shm or its backups)`;

export const RESTORE_USAGE = `fwb restore --db FILE --from BACKUP [--json]
  Replaces the workbook with a backup, after checking that the backup is a workbook
  this version opens and that it passes "fwb check". The current file is kept aside
  as FILE.before-restore-<time>. Close the workbook in the app first (or use its
  File › Restore from backup…).`;

export const TEAM_USAGE = `fwb team init|add-user|remove-user|dev-server|join … (a team workbook on PostgreSQL, in progress)
  fwb team init --url ADMIN_URL [--json]
      Creates the team workbook in a PostgreSQL database (14 or newer): schema fwb, owned by the
      role fwb_owner, and the group roles fwb_analyst, fwb_planner, fwb_manager, which may read
      and not write. Again on the same database: nothing changes. A schema fwb holding tables
      fwb did not create is refused. Needs an administrator (a superuser, or CREATEROLE and
      CREATE on the database).
  fwb team add-user --url ADMIN_URL --user LOGIN --name "Full Name" --role planner|manager|analyst [--password-stdin] [--json]
      Creates the person's login (its password read from standard input) in the role's group;
      for someone already in the team --role moves them to another group (--name and
      --password-stdin optional then). LOGIN: letters, digits and _ . @ -, at most 63 bytes.
  fwb team remove-user --url ADMIN_URL --user LOGIN [--json]
      The login can no longer sign in; the person's row and history stay.
  fwb team dev-server --dir D [--port N] [--json]
      Starts a local PostgreSQL for a trial (created in D on first use, started again later)
      on 127.0.0.1 and prints its admin URL; Ctrl-C stops it. Needs PostgreSQL's server
      programs (Debian: apt-get install postgresql; or FWB_PG_BIN=folder of pg_ctl).
  fwb team join --db FILE --url MEMBER_URL [--json]
      Links the workbook FILE (created when missing) to the team workbook as the URL's login:
      the first workbook of an empty team publishes its items, forecasts and actuals (analysts
      only), an empty workbook pulls everything; anything else is refused with the reason.
      Again on a linked workbook: it pulls what it has not yet.
  The password comes as libpq's come: in the URL, PGPASSWORD, ~/.pgpass (or PGPASSFILE), or a
  PGSERVICE section of ~/.pg_service.conf; it is never printed.`;

export const SIMULATE_USAGE = `fwb simulate --db FILE [--metric M] [--segment TYPE=VALUE] [--min-change PCT] [--damp-up K] [--damp-down K] [--cap PCT] [--model-decides] [--suggest --holdout-cycles N] [--json]
  The policy lab, read-only: replays every past final plan under a candidate policy, line by
  line, and shows its accuracy next to today's (stairstep, direction × size, FVA of the change
  with its 95 % interval), the workload and the lines whose outcome flips. Nothing is written.
  --segment TYPE=VALUE  the lines the levers apply to: all (default), category=NAME, abc-class=A|B|C,
                        or any item attribute (brand=NAME, a key of the imported attributes);
                        other lines keep today's plan
  --min-change PCT      an override changing the model by less than PCT % is not applied
  --damp-up K           upward overrides count K times (final = model + K × (override − model)), 0 to 2
  --damp-down K         the same for downward overrides
  --cap PCT             an applied change is at most PCT % of the model
  --model-decides       no override is applied: the model decides alone
  --adopt-sales-input   where the segment's sales input beat the model on earlier cycles (actuals
                        known at the line's origin, at least 30 lines), the sales input is proposed
  --approval-pct PCT, --approval-units N
                        approval thresholds instead of the workbook's: what would have waited
  --suggest             instead of levers: fit them per segment (--segment TYPE, or TYPE=VALUE for
                        one) on older cycles and report them on the newest cycles the fit did not see;
                        a segment with fewer than 30 overrides is "too few to tell"
  --holdout-cycles N    with --suggest: how many of the newest cycles to hold out (default 3)
  --metric M            wape (default), mae, bias, mape, smape, mase, rmse
  --run ID, --lag N, --from PERIOD, --to PERIOD   only these lines (as fwb accuracy)
  --json                one JSON object on stdout (the API's answer)
  Exit 0 done, 1 failed, 2 usage error, 3 input rejected.`;
export const SYNC_USAGE = `fwb sync --db FILE [--acknowledge LINE]… [--json]
  Sends what this team replica has not sent (decisions, then a manager's approvals and
  rejections), then pulls what the team recorded since the last sync. The team's server
  decides with its own clock and policy: a decision it refuses is kept with its reason and
  listed; lines two people decided without seeing each other's decision are listed as in
  conflict. Safe to run again at any point: nothing is recorded twice. The password follows
  libpq's conventions (PGPASSWORD, ~/.pgpass, PGSERVICE), never the command line.
  --acknowledge LINE  you have seen the line's conflict: it closes for both authors (sent by this sync)
  --json   counts pushed and pulled per kind, the refusals with reasons, the lines in conflict
  Exit 0 done; 1 failed (server unreachable or stopped: what was not answered stays unsent);
  2 usage error; 3 input rejected: the team refused rows sent by this sync (everything else
  was sent and pulled, and the refused rows are kept with their reasons), or the workbook
  is not linked or is another login's. Refusals told by an earlier sync do not count again,
  so a script stops on a refusal once, and a plain retry is 0.`;

export const VALUE_USAGE = `fwb value --db FILE [--by planner|run] [--json]
  The value of planning in business terms, read-only: cycle time (first import to release; open
  runs with the hours so far), touch rate, exception hit rate (the run's top 10 % by exception
  score overridden, and how often that helped), decision consistency (interquartile range of the
  signed override % among planners facing similar exceptions), error units avoided per hour of
  decisions (gaps capped at 15 min) and escalation (overrides that waited for approval, rejected).
  --by run      per run in origin order: the measures over time (default)
  --by planner  per planner
  --json        the API's answer (getValueMeasures), with every definition`;
