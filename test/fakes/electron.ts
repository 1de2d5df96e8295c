// A fake of the parts of the `electron` module the main process and the preload
// use. It records what the code under test asked for (window options, handlers,
// headers) and lets a test play the part of Chromium (navigate, open a window,
// ask for a permission, make a request, send IPC from some frame).
import { EventEmitter } from 'node:events';
import { pathToFileURL } from 'node:url';

type Listener = (...args: any[]) => any;

export class FakeEvent {
  defaultPrevented = false;
  constructor(extra: Record<string, unknown> = {}) {
    Object.assign(this, extra);
  }
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

export class FakeWebRequest {
  beforeRequest: Listener | null = null;
  headersReceived: Listener | null = null;
  onBeforeRequest(listener: Listener): void {
    this.beforeRequest = listener;
  }
  onHeadersReceived(listener: Listener): void {
    this.headersReceived = listener;
  }
  /** Plays a request through onBeforeRequest; returns what the handler answered. */
  request(url: string, resourceType = 'script'): { cancel?: boolean } {
    let answer: { cancel?: boolean } | undefined;
    if (!this.beforeRequest) return {};
    this.beforeRequest({ url, resourceType, method: 'GET' }, (response: { cancel?: boolean }) => (answer = response));
    if (!answer) throw new Error('onBeforeRequest handler did not call back');
    return answer;
  }
  /** Plays a response through onHeadersReceived; returns the headers it ends up with. */
  respond(url: string, responseHeaders: Record<string, string[]>): Record<string, string[]> {
    if (!this.headersReceived) return responseHeaders;
    let answer: { responseHeaders?: Record<string, string[]> } | undefined;
    this.headersReceived({ url, resourceType: 'mainFrame', responseHeaders, statusCode: 200 }, (r: typeof answer) => (answer = r));
    if (!answer) throw new Error('onHeadersReceived handler did not call back');
    return answer.responseHeaders ?? responseHeaders;
  }
}

export class FakeSession extends EventEmitter {
  permissionRequestHandler: Listener | null = null;
  permissionCheckHandler: Listener | null = null;
  devicePermissionHandler: Listener | null = null;
  readonly webRequest = new FakeWebRequest();
  setPermissionRequestHandler(handler: Listener | null): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: Listener | null): void {
    this.permissionCheckHandler = handler;
  }
  setDevicePermissionHandler(handler: Listener | null): void {
    this.devicePermissionHandler = handler;
  }
  /** What the page would get for `permission` (true only if a handler grants it). */
  requestPermission(permission: string, contents: unknown = null): boolean | 'no handler' {
    if (!this.permissionRequestHandler) return 'no handler';
    let granted: boolean | undefined;
    this.permissionRequestHandler(contents, permission, (ok: boolean) => (granted = ok), { requestingUrl: 'file:///x' });
    return granted ?? false;
  }
}

export class FakeWebContents extends EventEmitter {
  windowOpenHandler: Listener | null = null;
  readonly sent: { channel: string; args: unknown[] }[] = [];
  url = '';
  constructor(readonly session: FakeSession) {
    super();
  }
  setWindowOpenHandler(handler: Listener): void {
    this.windowOpenHandler = handler;
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
  getURL(): string {
    return this.url;
  }
  /** A page-initiated navigation; returns true when the app let it happen. */
  navigate(url: string): boolean {
    const event = new FakeEvent({ url, isMainFrame: true });
    this.emit('will-navigate', event, url);
    const frameEvent = new FakeEvent({ url, isMainFrame: true });
    this.emit('will-frame-navigate', frameEvent);
    return !event.defaultPrevented && !frameEvent.defaultPrevented;
  }
  /** window.open(url) from the page; returns the app's answer. */
  openWindow(url: string): unknown {
    if (!this.windowOpenHandler) return { action: 'allow' };
    return this.windowOpenHandler({ url, frameName: '', features: '', disposition: 'new-window', referrer: { url: '', policy: 'default' } });
  }
  /** A <webview> trying to attach; returns true when the app let it. */
  attachWebview(src: string): boolean {
    const event = new FakeEvent();
    this.emit('will-attach-webview', event, { preload: '/evil.js' }, { src });
    return !event.defaultPrevented;
  }
}

export interface FakeIpcFrame {
  url: string;
  parent: FakeIpcFrame | null;
}

export function createFakeElectron(options: { userData?: string; documents?: string; isPackaged?: boolean; singleInstance?: boolean } = {}) {
  const defaultSession = new FakeSession();

  class FakeApp extends EventEmitter {
    isPackaged = options.isPackaged ?? false;
    sandboxEnabled = false;
    quitCalls = 0;
    exitCode: number | null = null;
    /** True once a quit went through without a will-quit handler holding it. */
    quitted = false;
    readonly recentDocuments: string[] = [];
    aboutPanelShown = 0;
    aboutPanelOptions: Record<string, unknown> | null = null;
    requestSingleInstanceLock(): boolean {
      return options.singleInstance ?? true;
    }
    enableSandbox(): void {
      this.sandboxEnabled = true;
    }
    whenReady(): Promise<void> {
      return Promise.resolve();
    }
    getPath(name: string): string {
      if (name === 'userData') return options.userData ?? '/tmp/fake-user-data';
      if (name === 'documents') return options.documents ?? '/tmp/fake-documents';
      throw new Error(`fake app.getPath(${name}) is not faked`);
    }
    getVersion(): string {
      return '0.0.0-test';
    }
    setAboutPanelOptions(opts: Record<string, unknown>): void {
      this.aboutPanelOptions = opts;
    }
    showAboutPanel(): void {
      this.aboutPanelShown++;
    }
    addRecentDocument(path: string): void {
      this.recentDocuments.push(path);
    }
    quit(): void {
      this.quitCalls++;
      const event = new FakeEvent();
      this.emit('will-quit', event);
      if (!event.defaultPrevented) this.quitted = true;
    }
    exit(code = 0): void {
      this.exitCode = code;
    }
  }
  const app = new FakeApp();

  class FakeBrowserWindow extends EventEmitter {
    static readonly instances: FakeBrowserWindow[] = [];
    readonly webContents: FakeWebContents;
    readonly loads: { file?: string; url?: string }[] = [];
    title: string;
    shown = false;
    destroyed = false;
    focused = 0;
    constructor(readonly options: Record<string, any>) {
      super();
      this.title = options.title ?? '';
      this.webContents = new FakeWebContents(defaultSession);
      FakeBrowserWindow.instances.push(this);
      app.emit('web-contents-created', new FakeEvent(), this.webContents);
    }
    loadFile(path: string): Promise<void> {
      this.loads.push({ file: path });
      this.webContents.url = pathToFileURL(path).href;
      return Promise.resolve();
    }
    loadURL(url: string): Promise<void> {
      this.loads.push({ url });
      this.webContents.url = url;
      return Promise.resolve();
    }
    show(): void {
      this.shown = true;
    }
    setTitle(title: string): void {
      this.title = title;
    }
    isDestroyed(): boolean {
      return this.destroyed;
    }
    isMinimized(): boolean {
      return false;
    }
    restore(): void {}
    focus(): void {
      this.focused++;
    }
    close(): void {
      this.destroyed = true;
      this.emit('closed');
    }
  }

  const ipcMain = {
    handlers: new Map<string, Listener>(),
    handle(channel: string, handler: Listener): void {
      if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      this.handlers.set(channel, handler);
    },
    removeHandler(channel: string): void {
      this.handlers.delete(channel);
    },
    /** ipcRenderer.invoke(channel, payload) from a frame showing `frame.url`. */
    async invoke(channel: string, frame: FakeIpcFrame | null, payload?: unknown): Promise<unknown> {
      const handler = this.handlers.get(channel);
      if (!handler) throw new Error(`No handler registered for '${channel}'`);
      return handler({ senderFrame: frame, sender: null, frameId: 1, processId: 1, type: 'frame' }, payload);
    },
  };

  const dialog = {
    errors: [] as { title: string; content: string }[],
    messageBoxes: [] as Record<string, any>[],
    /** Buttons a test has the user click, in order; the cancel button when empty. */
    messageBoxResponses: [] as number[],
    openResults: [] as { canceled: boolean; filePaths: string[] }[],
    saveResults: [] as { canceled: boolean; filePath?: string }[],
    openDialogs: [] as Record<string, any>[],
    saveDialogs: [] as Record<string, any>[],
    showErrorBox(title: string, content: string): void {
      this.errors.push({ title, content });
    },
    async showMessageBox(...args: any[]): Promise<{ response: number; checkboxChecked: boolean }> {
      const opts = args[args.length - 1];
      this.messageBoxes.push(opts);
      return { response: this.messageBoxResponses.shift() ?? opts.cancelId ?? 0, checkboxChecked: false };
    },
    async showOpenDialog(...args: any[]): Promise<{ canceled: boolean; filePaths: string[] }> {
      this.openDialogs.push(args[args.length - 1]);
      return this.openResults.shift() ?? { canceled: true, filePaths: [] };
    },
    async showSaveDialog(...args: any[]): Promise<{ canceled: boolean; filePath?: string }> {
      this.saveDialogs.push(args[args.length - 1]);
      return this.saveResults.shift() ?? { canceled: true };
    },
  };

  const Menu = {
    applicationMenu: null as { template: any[] } | null,
    buildFromTemplate(template: any[]): { template: any[] } {
      return { template };
    },
    setApplicationMenu(menu: { template: any[] } | null): void {
      this.applicationMenu = menu;
    },
  };

  const shell = {
    revealed: [] as string[],
    showItemInFolder(path: string): void {
      this.revealed.push(path);
    },
  };

  // Preload side.
  const contextBridge = {
    exposed: {} as Record<string, unknown>,
    exposeInMainWorld(key: string, api: unknown): void {
      if (key in this.exposed) throw new Error(`Cannot bind an API on top of an existing property on the window object: ${key}`);
      this.exposed[key] = api;
    },
  };

  class FakeIpcRenderer extends EventEmitter {
    readonly invocations: { channel: string; args: unknown[] }[] = [];
    invokeResult: unknown = { ok: true, value: null };
    invoke(channel: string, ...args: unknown[]): Promise<unknown> {
      this.invocations.push({ channel, args });
      return Promise.resolve(this.invokeResult);
    }
    send(): void {
      throw new Error('the preload should only invoke');
    }
    /** A message from the main process, as Chromium delivers it: event object first. */
    fromMain(channel: string, ...args: unknown[]): void {
      this.emit(channel, { sender: this, senderId: 0, ports: [] }, ...args);
    }
  }
  const ipcRenderer = new FakeIpcRenderer();

  return {
    app,
    BrowserWindow: FakeBrowserWindow,
    session: { defaultSession },
    ipcMain,
    dialog,
    Menu,
    shell,
    contextBridge,
    ipcRenderer,
    // A dropped or picked File's path, as Electron's webUtils gives it to the preload.
    webUtils: { getPathForFile: (file: { path?: string }) => file.path ?? '' },
  };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;
