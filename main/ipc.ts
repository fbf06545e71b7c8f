// The one IPC channel: every call goes through answerInvoke (ipc-door.ts), which checks the sender and the
// argument; events go to every window.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import type { ApiEvent } from '../shared/api.js';
import type { Service } from './core/service/index.js';
import { answerInvoke } from './ipc-door.js';

export function registerIpc(service: Service, windows: () => BrowserWindow[]): () => void {
  ipcMain.handle('api:invoke', (event: IpcMainInvokeEvent, method: unknown, args: unknown) => answerInvoke(service.handlers, event.senderFrame, method, args));
  const unsubscribe = service.events.subscribe((event: ApiEvent) => {
    for (const win of windows()) if (!win.isDestroyed()) win.webContents.send('api:event', event);
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler('api:invoke');
  };
}
