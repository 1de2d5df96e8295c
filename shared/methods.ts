// The contract's method names alone: the preload imports only this, so it stays
// tiny and exposes exactly the contract to the page.
export const METHOD_NAMES = ['getWorkbookInfo', 'listRuns', 'getRunLines', 'getRunOverview', 'listImportBatches', 'previewImport', 'runImport', 'undoImportBatch', 'listQuarantine', 'getItemDetail', 'getSession', 'signIn', 'signOut', 'changePassphrase', 'decideLine', 'bulkAccept', 'undoLastDecision', 'listPendingApprovals', 'reviewOverride', 'listPolicies', 'savePolicy', 'restorePolicyRole', 'listReasonCodes', 'saveReasonCode', 'releaseRun', 'rollbackRun', 'listReleases', 'getLineJournal', 'previewExport', 'runExport', 'listItemAttributes',
  'getAccuracyOptions', 'getAccuracyOverview', 'getAccuracySlice', 'getOverrideGuidance', 'getTrustMap', 'runDriftGuard', 'getGovernanceReport',
  'simulatePolicy', 'suggestPolicy', 'adoptPolicy', 'listPolicyAdoptions', 'getValueMeasures', 'previewOverride',
  'listTeamAnswers'] as const;
export type MethodName = (typeof METHOD_NAMES)[number];

/** IPC channel of a method; one place, so main and preload can never disagree. */
export const ipcChannel = (method: MethodName) => `workbench:${method}`;
export const EVENT_CHANNEL = 'workbench:event';
/** Desktop only: copies a file the user picked or dropped into the import staging folder. */
export const STAGE_FILE_CHANNEL = 'workbench:stageFile';
