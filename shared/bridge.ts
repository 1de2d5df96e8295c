// The shape of window.workbench, as the desktop preload exposes it. Type-only
// imports, so nothing (zod in particular) is pulled into the preload bundle.
import type { RequestOf, ResponseOf } from './contract';
import type { BackendEvent, Result, StagedFile } from './domain';
import type { MethodName } from './methods';

export type WorkbenchMethods = {
  [M in MethodName]: (payload?: RequestOf<M>) => Promise<Result<ResponseOf<M>>>;
};

export type WorkbenchBridge = {
  readonly transport: 'desktop';
  /** Subscribes to backend events (job progress, workbook changes); returns the unsubscribe. */
  onEvent(listener: (event: BackendEvent) => void): () => void;
  /** Copies a picked or dropped file into the import staging folder. */
  stageFile(file: File): Promise<Result<StagedFile>>;
} & WorkbenchMethods;
