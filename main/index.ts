// The desktop app's composition root: single instance, the database in the per-user app data folder (demo data
// on first launch), the service with imports in a worker thread, the app:// protocol, IPC, the menu.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, Menu, net, protocol } from 'electron';
import { openDb } from './core/db/open.js';
import { loadDemoIfEmpty } from './core/demo-first-launch.js';
import { createService } from './core/service/index.js';
import { appFileFor } from './hardening.js';
import { registerIpc } from './ipc.js';
import { buildMenu } from './menu.js';
import { createWindow, guardContents, hardenSession } from './window.js';

protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

if (process.env.PAYDESK_USER_DATA) app.setPath('userData', process.env.PAYDESK_USER_DATA);
// A second launch focuses the first window instead of opening the database twice.
const isPrimaryInstance = app.requestSingleInstanceLock();
if (!isPrimaryInstance) app.quit();

const rendererDir = path.join(__dirname, '..', 'renderer');
const preloadFile = path.join(__dirname, '..', 'preload', 'preload.cjs');
let main: BrowserWindow | undefined;

app.on('second-instance', () => {
  if (main) {
    if (main.isMinimized()) main.restore();
    main.focus();
  }
});

app.whenReady().then(async () => {
  if (!isPrimaryInstance) return; // quitting: app.quit() does not stop this callback by itself
  hardenSession();
  protocol.handle('app', (request) => {
    const file = appFileFor(rendererDir, request.url);
    if (file === null) return new Response('not found', { status: 404 });
    return net.fetch(pathToFileURL(file).toString());
  });

  const dbFile = path.join(app.getPath('userData'), 'paydesk.db');
  const firstLaunch = !fs.existsSync(dbFile);
  if (firstLaunch) await loadDemoIfEmpty(dbFile);
  const db = openDb(dbFile);
  const service = createService(db, {
    dbFile,
    mode: 'desktop',
    version: app.getVersion(),
    defaultReviewer: os.userInfo().username,
    pickFolder: async () => {
      const result = await dialog.showOpenDialog({ title: 'Choose the exports folder', properties: ['openDirectory'] });
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
  });
  const unregister = registerIpc(service, () => BrowserWindow.getAllWindows());
  Menu.setApplicationMenu(buildMenu(() => void service.handlers['sync:start']({})));
  main = createWindow(preloadFile);

  app.on('web-contents-created', (_event, contents) => guardContents(contents));
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) main = createWindow(preloadFile);
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => {
    unregister();
    void service.close().then(() => db.close());
  });
});
