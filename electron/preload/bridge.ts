// What the sandboxed preload hands to the page: one function per contract method
// and an event subscription, nothing else. The page never sees ipcRenderer or an
// IpcRendererEvent (whose `sender` would let it send on any channel).
import type { IpcRenderer, IpcRendererEvent } from 'electron';
import type { WorkbenchBridge } from '../../shared/bridge';
import type { BackendEvent } from '../../shared/domain';
import { EVENT_CHANNEL, METHOD_NAMES, STAGE_FILE_CHANNEL, ipcChannel } from '../../shared/methods';

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
  return Object.freeze(bridge) as WorkbenchBridge;
}
