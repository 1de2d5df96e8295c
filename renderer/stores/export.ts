// The Export screen's state: what to export (the plan of a run or of a released
// version, a batch's quarantine, the audit log, an accuracy table, the
// governance report), the format, the preview of the first rows, the running
// export and where its file went.
import { create } from 'zustand';
import type { AccuracyOptions, Metric } from '../../shared/accuracy';
import type { ApiError, ForecastRunSummary, ImportBatchSummary, ItemAttributeFacet, ReleaseSummary } from '../../shared/domain';
import type { ExportFormat, ExportOutcome, ExportPreview } from '../../shared/exports';
import type { RequestOf } from '../../shared/contract';
import { api } from '../api';
import { downloadExport } from '../download';

export const EXPORT_CHOICES = ['plan', 'version', 'quarantine', 'audit', 'accuracy', 'governance'] as const;
export type ExportChoice = (typeof EXPORT_CHOICES)[number];

/** Tables go to CSV or XLSX; the governance report is HTML and only that. */
export const formatsFor = (choice: ExportChoice): ExportFormat[] => (choice === 'governance' ? ['html'] : ['csv', 'xlsx']);

/** Which accuracy table: 'stairstep', 'direction_size', 'model' (the source ranking), a slice, or 'attr:<name>'. */
export interface AccuracyChoice {
  by: string;
  metric: Metric;
  /** '' = every lag / category. */
  lag: string;
  category: string;
}

type Selection = Omit<RequestOf<'runExport'>, 'format'>;

interface ExportState {
  choice: ExportChoice;
  format: ExportFormat;
  runs: ForecastRunSummary[];
  runId: number | null;
  releases: ReleaseSummary[];
  version: number | null;
  batches: ImportBatchSummary[];
  batchId: number | null;
  accuracy: AccuracyChoice;
  /** Lags and categories the accuracy filter offers; loaded when an accuracy table is first chosen. */
  accuracyOptions: AccuracyOptions | null;
  attributes: ItemAttributeFacet[];
  preview: ExportPreview | null;
  previewing: boolean;
  running: boolean;
  outcome: ExportOutcome | null;
  error: ApiError | null;
  load(): Promise<void>;
  setChoice(choice: ExportChoice): void;
  setFormat(format: ExportFormat): void;
  setRun(runId: number): Promise<void>;
  setVersion(version: number): void;
  setBatch(batchId: number): void;
  setAccuracy(patch: Partial<AccuracyChoice>): void;
  runExport(): Promise<void>;
  download(): Promise<void>;
}

/** What the current choices ask for, or null while something is still to be chosen. */
export function selectionOf(s: Pick<ExportState, 'choice' | 'runId' | 'version' | 'batchId' | 'accuracy'>): Selection | null {
  switch (s.choice) {
    case 'plan':
      return s.runId === null ? null : { what: 'plan', runId: s.runId };
    case 'version':
      return s.runId === null || s.version === null ? null : { what: 'plan', runId: s.runId, version: s.version };
    case 'quarantine':
      return s.batchId === null ? null : { what: 'quarantine', batchId: s.batchId };
    case 'audit':
      return { what: 'audit' };
    case 'accuracy': {
      const { by, metric, lag, category } = s.accuracy;
      return { what: 'accuracy', by, metric, filter: { ...(lag ? { lag: Number(lag) } : {}), ...(category ? { category } : {}) } };
    }
    case 'governance':
      return { what: 'governance' };
  }
}

const PREVIEW_ROWS = 50;

export const useExportStore = create<ExportState>((set, get) => {
  let previewTicket = 0;
  async function refreshPreview(): Promise<void> {
    const ticket = ++previewTicket;
    const selection = selectionOf(get());
    if (!selection) {
      set({ preview: null, previewing: false });
      return;
    }
    set({ previewing: true });
    const result = await api.call('previewExport', { ...selection, limit: PREVIEW_ROWS });
    if (ticket !== previewTicket) return; // a later choice has asked already
    set(result.ok ? { preview: result.value, previewing: false, error: null } : { preview: null, previewing: false, error: result.error });
  }

  async function loadReleases(runId: number): Promise<void> {
    const result = await api.call('listReleases', { runId });
    if (get().runId !== runId) return;
    const releases = result.ok ? result.value.releases : [];
    set({ releases, version: releases.find((r) => r.current)?.version ?? null });
  }

  /** The accuracy filter's choices, once: getAccuracyOptions may build the accuracy cube, so only when asked for. */
  async function loadAccuracyOptions(): Promise<void> {
    if (get().accuracyOptions) return;
    const [options, attributes] = await Promise.all([api.call('getAccuracyOptions', {}), api.call('listItemAttributes', {})]);
    if (options.ok) set({ accuracyOptions: options.value });
    if (attributes.ok) set({ attributes: attributes.value.attributes });
  }

  return {
    choice: 'plan',
    format: 'csv',
    runs: [],
    runId: null,
    releases: [],
    version: null,
    batches: [],
    batchId: null,
    accuracy: { by: 'stairstep', metric: 'wape', lag: '', category: '' },
    accuracyOptions: null,
    attributes: [],
    preview: null,
    previewing: false,
    running: false,
    outcome: null,
    error: null,
    async load() {
      const [runs, batches] = await Promise.all([api.call('listRuns', {}), api.call('listImportBatches', {})]);
      if (!runs.ok) return set({ error: runs.error });
      const withQuarantine = batches.ok ? batches.value.batches.filter((b) => b.rowsQuarantined > 0) : [];
      const keepRun = runs.value.runs.find((r) => r.runId === get().runId)?.runId ?? runs.value.runs[0]?.runId ?? null;
      const keepBatch = withQuarantine.find((b) => b.batchId === get().batchId)?.batchId ?? withQuarantine[0]?.batchId ?? null;
      // A workbook change can bring new lags, categories or attributes.
      set({ runs: runs.value.runs, runId: keepRun, batches: withQuarantine, batchId: keepBatch, accuracyOptions: null });
      if (keepRun !== null) await loadReleases(keepRun);
      if (get().choice === 'accuracy') await loadAccuracyOptions();
      await refreshPreview();
    },
    setChoice(choice) {
      const formats = formatsFor(choice);
      // Keep the table format across table choices; the report has its own.
      const format = formats.includes(get().format) ? get().format : formats[0]!;
      set({ choice, format, outcome: null, error: null, preview: null });
      if (choice === 'accuracy') void loadAccuracyOptions();
      void refreshPreview();
    },
    setAccuracy(patch) {
      set({ accuracy: { ...get().accuracy, ...patch }, outcome: null, error: null });
      void refreshPreview();
    },
    setFormat(format) {
      set({ format, outcome: null });
    },
    async setRun(runId) {
      set({ runId, releases: [], version: null, outcome: null, error: null });
      await loadReleases(runId);
      await refreshPreview();
    },
    setVersion(version) {
      set({ version, outcome: null, error: null });
      void refreshPreview();
    },
    setBatch(batchId) {
      set({ batchId, outcome: null, error: null });
      void refreshPreview();
    },
    async runExport() {
      const selection = selectionOf(get());
      if (!selection || get().running) return;
      set({ running: true, outcome: null, error: null });
      const result = await api.call('runExport', { ...selection, format: get().format });
      set(result.ok ? { running: false, outcome: result.value } : { running: false, error: result.error });
    },
    async download() {
      const outcome = get().outcome;
      if (!outcome) return;
      const error = await downloadExport(outcome.fileName);
      if (error) set({ error });
    },
  };
});
