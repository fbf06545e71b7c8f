// The one IPC dispatcher: the sender must be our own page, the method must be in the contract, and the
// argument is parsed by dispatch() with the contract's schema.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import type { ApiEvent } from '../shared/api.js';
import type { Service } from './core/service/index.js';
import { dispatch } from './core/service/dispatch.js';
import { isAppUrl } from './window.js';

export function registerIpc(service: Service, windows: () => BrowserWindow[]): () => void {
  ipcMain.handle('api:invoke', (event: IpcMainInvokeEvent, method: unknown, args: unknown) => {
    const url = event.senderFrame?.url ?? '';
    if (!isAppUrl(url) || event.senderFrame?.parent !== null) {
      return { ok: false, error: { code: 'failed', message: 'refused: the request did not come from the app window' } };
    }
    return dispatch(service.handlers, method, args);
  });
  const unsubscribe = service.events.subscribe((event: ApiEvent) => {
    for (const win of windows()) if (!win.isDestroyed()) win.webContents.send('api:event', event);
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler('api:invoke');
  };
}
