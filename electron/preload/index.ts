// The sandboxed preload, bundled to out/preload/index.cjs. Sandboxed preloads may
// only require 'electron', so this imports nothing but the bridge and the method
// names (no zod, no contract schemas).
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createWorkbenchBridge } from './bridge';

contextBridge.exposeInMainWorld('workbench', createWorkbenchBridge(ipcRenderer, (file) => webUtils.getPathForFile(file)));
