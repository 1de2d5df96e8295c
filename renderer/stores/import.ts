// The Import screen's state: the staged file, its preview and mapping, the
// options, the running import and its outcome, and the quarantine on view.
import { create } from 'zustand';
import type { ApiError, ImportFileKind, ImportOutcome, ImportPreview, ImportUndoOutcome, QuarantineRow, StagedFile } from '../../shared/domain';
import type { Grain } from '../../shared/period';
import { api } from '../api';

export interface ImportFormOptions {
  model: string;
  modelVersion: string;
  origin: string;
  grain: Grain | '';
  strict: boolean;
  force: boolean;
  unknownItems: 'create' | 'reject';
}

interface ImportState {
  kind: ImportFileKind;
  staged: StagedFile | null;
  staging: boolean;
  preview: ImportPreview | null;
  /** The user's own field → column choices, on top of what was detected. */
  map: Record<string, string>;
  options: ImportFormOptions;
  running: boolean;
  outcome: ImportOutcome | null;
  error: ApiError | null;
  quarantine: { batchId: number; total: number; rows: QuarantineRow[] } | null;
  /** The last undo of a batch asked for: what it did, or why it was refused. */
  undo: { batchId: number; running: boolean; outcome?: ImportUndoOutcome; error?: ApiError } | null;
  setKind(kind: ImportFileKind): void;
  stage(file: File): Promise<void>;
  setMapping(field: string, column: string): void;
  setOptions(patch: Partial<ImportFormOptions>): void;
  runImport(): Promise<void>;
  showQuarantine(batchId: number): Promise<void>;
  undoBatch(batchId: number): Promise<void>;
  reset(): void;
}

const DEFAULT_OPTIONS: ImportFormOptions = { model: '', modelVersion: '', origin: '', grain: '', strict: false, force: false, unknownItems: 'reject' };

export const useImportStore = create<ImportState>((set, get) => {
  async function refreshPreview(): Promise<void> {
    const { staged, kind, map } = get();
    if (!staged) return;
    const result = await api.call('previewImport', { stagedId: staged.stagedId, kind, ...(Object.keys(map).length ? { map } : {}) });
    if (result.ok) set({ preview: result.value, error: null });
    else set({ preview: null, error: result.error });
  }

  return {
    kind: 'forecasts',
    staged: null,
    staging: false,
    preview: null,
    map: {},
    options: DEFAULT_OPTIONS,
    running: false,
    outcome: null,
    error: null,
    quarantine: null,
    undo: null,
    setKind(kind) {
      set({ kind, map: {}, outcome: null });
      void refreshPreview();
    },
    async stage(file) {
      set({ staging: true, staged: null, preview: null, outcome: null, error: null, map: {}, undo: null });
      const result = await api.stageFile(file);
      set({ staging: false });
      if (!result.ok) {
        set({ error: result.error });
        return;
      }
      set({ staged: result.value });
      await refreshPreview();
    },
    setMapping(field, column) {
      const map = { ...get().map };
      if (column) map[field] = column;
      else delete map[field];
      set({ map });
      void refreshPreview();
    },
    setOptions(patch) {
      set({ options: { ...get().options, ...patch } });
    },
    async runImport() {
      const { staged, kind, map, options } = get();
      if (!staged) return;
      set({ running: true, outcome: null, error: null, undo: null });
      const result = await api.call('runImport', {
        stagedId: staged.stagedId,
        kind,
        ...(Object.keys(map).length ? { map } : {}),
        ...(options.model ? { model: options.model } : {}),
        ...(options.modelVersion ? { modelVersion: options.modelVersion } : {}),
        ...(options.origin ? { origin: options.origin } : {}),
        ...(options.grain ? { grain: options.grain } : {}),
        strict: options.strict,
        force: options.force,
        unknownItems: options.unknownItems,
      });
      set({ running: false });
      if (!result.ok) {
        set({ error: result.error });
        return;
      }
      set({ outcome: result.value });
      // A committed file is consumed; a refused one stays staged so it can be retried with other options.
      if (result.value.batchId !== null) {
        set({ staged: null, preview: null });
        if (result.value.rowsQuarantined > 0) await get().showQuarantine(result.value.batchId);
      }
    },
    async showQuarantine(batchId) {
      const result = await api.call('listQuarantine', { batchId, limit: 500 });
      if (result.ok) set({ quarantine: result.value });
      else set({ error: result.error });
    },
    async undoBatch(batchId) {
      set({ undo: { batchId, running: true } });
      const result = await api.call('undoImportBatch', { batchId });
      set({ undo: result.ok ? { batchId, running: false, outcome: result.value } : { batchId, running: false, error: result.error } });
      // Its quarantine went with it from view, though the rows stay on record; a refusal
      // of the same file ("already imported as batch …") is no longer true.
      if (result.ok && get().quarantine?.batchId === batchId) set({ quarantine: null });
      if (result.ok && get().outcome?.refused) set({ outcome: null });
    },
    reset() {
      set({ staged: null, preview: null, map: {}, outcome: null, error: null, options: DEFAULT_OPTIONS });
    },
  };
});
