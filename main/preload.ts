// The preload: a closed facade over IPC, exposed as window.paydesk. Only contract method names pass; nothing
// of ipcRenderer or process leaks. Bundled to one CommonJS file (sandboxed preloads cannot require files).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ApiBridge, ApiEvent } from '../shared/api.js';
import { isApiMethod } from '../shared/schemas.js';

const bridge = {
  invoke(method, args) {
    if (!isApiMethod(method)) return Promise.resolve({ ok: false, error: { code: 'unknown-method', message: `no API method ${String(method)}` } });
    return ipcRenderer.invoke('api:invoke', method, args);
  },
  on(listener) {
    const relay = (_event: IpcRendererEvent, payload: ApiEvent) => listener(payload);
    ipcRenderer.on('api:event', relay);
    return () => void ipcRenderer.removeListener('api:event', relay);
  },
} satisfies ApiBridge;

contextBridge.exposeInMainWorld('paydesk', bridge);
