// What the sandboxed preload hands to the page: one function per contract method
// and an event subscription, nothing else. The page never sees ipcRenderer or an
// IpcRendererEvent (whose `sender` would let it send on any channel).
import type { IpcRenderer, IpcRendererEvent } from 'electron';
import type { WorkbenchBridge } from '../../shared/bridge';
import type { BackendEvent } from '../../shared/domain';
import { EVENT_CHANNEL, METHOD_NAMES, STAGE_FILE_CHANNEL, ipcChannel } from '../../shared/methods';
import { TEAM_CONNECT_CHANNEL, TEAM_CONNECT_REQUEST_CHANNEL, TEAM_PAGE_METHODS, teamPageChannel } from '../../shared/team-status';

export type BridgeIpc = Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>;

/** `pathForFile` is Electron's webUtils.getPathForFile: the page hands over a File, never a path. */
export function createWorkbenchBridge(ipc: BridgeIpc, pathForFile: (file: File) => string): WorkbenchBridge {
  const bridge: Record<string, unknown> = { transport: 'desktop' };
  for (const name of METHOD_NAMES) {
    const channel = ipcChannel(name);
    bridge[name] = (payload?: unknown) => ipc.invoke(channel, payload);
  }
  bridge.onEvent = (listener: (event: BackendEvent) => void) => {
    if (typeof listener !== 'function') throw new TypeError('onEvent needs a function');
    const relay = (_event: IpcRendererEvent, backendEvent: BackendEvent) => listener(backendEvent);
    ipc.on(EVENT_CHANNEL, relay);
    return () => {
      ipc.removeListener(EVENT_CHANNEL, relay);
    };
  };
  bridge.stageFile = (file: File) => ipc.invoke(STAGE_FILE_CHANNEL, pathForFile(file));
  // The team calls main answers itself (it runs the sync): the status, a sync now, the Connect dialog.
  for (const method of TEAM_PAGE_METHODS) bridge[method] = () => ipc.invoke(teamPageChannel(method));
  bridge.teamConnect = (request: { url: string; password: string }) => ipc.invoke(TEAM_CONNECT_CHANNEL, { url: String(request?.url ?? ''), password: String(request?.password ?? '') });
  bridge.onTeamConnectRequest = (listener: () => void) => {
    if (typeof listener !== 'function') throw new TypeError('onTeamConnectRequest needs a function');
    const relay = () => listener();
    ipc.on(TEAM_CONNECT_REQUEST_CHANNEL, relay);
    return () => {
      ipc.removeListener(TEAM_CONNECT_REQUEST_CHANNEL, relay);
    };
  };
  return Object.freeze(bridge) as WorkbenchBridge;
}
