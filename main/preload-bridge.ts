// The closed facade the preload exposes as window.paydesk, built over any ipcRenderer-like object so it is
// tested under Node: only contract method names pass, and listeners get the event, never Electron's IpcRendererEvent.
import { isApiMethod, type ApiBridge, type ApiEvent, type ApiResponse } from '../shared/api.js';

export interface BridgeIpc {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, payload: ApiEvent) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, payload: ApiEvent) => void): unknown;
}

export function createBridge(ipc: BridgeIpc): ApiBridge {
  return {
    invoke(method, args) {
      if (!isApiMethod(method)) return Promise.resolve({ ok: false, error: { code: 'unknown-method', message: `no API method ${String(method)}` } });
      return ipc.invoke('api:invoke', method, args) as Promise<ApiResponse<unknown>>;
    },
    on(listener) {
      const relay = (_event: unknown, payload: ApiEvent) => listener(payload);
      ipc.on('api:event', relay);
      return () => void ipc.removeListener('api:event', relay);
    },
  };
}
