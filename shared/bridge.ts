// The shape of window.workbench, as the desktop preload exposes it. Type-only
// imports, so nothing (zod in particular) is pulled into the preload bundle.
import type { RequestOf, ResponseOf } from './contract';
import type { BackendEvent, Result, StagedFile } from './domain';
import type { MethodName } from './methods';
import type { TeamConnectAnswer, TeamStatus } from './team-status';

export type WorkbenchMethods = {
  [M in MethodName]: (payload?: RequestOf<M>) => Promise<Result<ResponseOf<M>>>;
};

export type WorkbenchBridge = {
  readonly transport: 'desktop';
  /** Subscribes to backend events (job progress, workbook changes); returns the unsubscribe. */
  onEvent(listener: (event: BackendEvent) => void): () => void;
  /** Copies a picked or dropped file into the import staging folder. */
  stageFile(file: File): Promise<Result<StagedFile>>;
  /** The team sync main runs for a linked workbook (shared/team-status.ts). */
  teamStatus(): Promise<Result<TeamStatus>>;
  syncNow(): Promise<Result<TeamStatus>>;
  /** The Connect dialog's answer: main keeps the password in the OS keychain and links the workbook. */
  teamConnect(request: { url: string; password: string }): Promise<Result<TeamConnectAnswer>>;
  /** File › Connect to team workbook… was chosen: show the dialog. Returns the unsubscribe. */
  onTeamConnectRequest(listener: () => void): () => void;
} & WorkbenchMethods;
