// The one module of the backend a host imports (the desktop shell, the browser
// host, fwb). A host gets a Backend: `call` for the contract's methods (api.ts),
// `hostCall` for the trusted host's own (host-api.ts), `onEvent` for job events.
// The app and the browser host run it in a worker thread (BackendHost); fwb runs
// it in its own thread (openInProcess, from in-process.ts, which fwb imports
// directly so as to load none of the rest). The rest are the few file helpers a
// host needs around the backend: staging uploads, the exports folder it serves,
// the restore swap, the chain head's printed form, an import's field names.
// Light on purpose: api.ts, host-api.ts and the workbook load on first use.
export { BackendHost, BackendStartError } from './worker/host';
export { openInProcess, type Backend, type InProcessOptions } from './in-process';
export type { DemoSeedOptions, WorkerInit } from './worker/protocol';
export { sourceWorkerUrl } from './worker/worker-url';
export { defaultStagingDir, discardStagingDir, stageCopy, stageStream } from './imports/staging';
export { exportFileIn, exportsDirFor, READ_NO_FOLLOW } from './exports/folder';
export { discardRestoreCopy, restoreStamp, stageRestoreCopy, swapInRestoredCopy, workbookStillOpen } from './db/restore-files';
export { chainHeadToken } from './audit/chain-head';
export { fieldsOf } from './imports/read/mapping';
export type { BackupOutcome } from './db/backup';
export type { RestoreOutcome } from './db/restore';
export type { CheckReport } from './audit/check';
export type { DemoSummary } from './demo/seed';
export type { CommandSignIn } from './people/session';

