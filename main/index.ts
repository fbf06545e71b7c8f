// The desktop app's composition root: single instance, the database in the per-user app data folder (demo data
// on first launch), the service with imports in a worker thread, the app:// protocol, IPC, the menu, paydesk://
// links (deep-link-handoff.ts), the notification of new flags (notify.ts), the window as it was (window-state.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, Menu, net, Notification, protocol, safeStorage, screen, shell } from 'electron';
import type { NewFlags } from '../shared/api.js';
import { LINK_SCHEME, type AppRoute } from '../shared/links.js';
import { loadDemoIfEmpty } from './core/demo-first-launch.js';
import { ServiceHost } from './core/service/service-host.js';
import type { Secrets } from './core/service/team-config.js';
import { DeepLinkHandoff } from './deep-link-handoff.js';
import { appFileFor } from './hardening.js';
import { registerIpc } from './ipc.js';
import { aboutText, menuTemplate } from './menu.js';
import { createNewFlagsNotifier } from './notify.js';
import { createWindow, guardContents, hardenSession, showRoute } from './window.js';
import { lastRouteOf, placeWindow, readWindowState, WINDOW_STATE_FILE, writeWindowState } from './window-state.js';

protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

if (process.env.PAYDESK_USER_DATA) app.setPath('userData', process.env.PAYDESK_USER_DATA);
// A second launch focuses the first window instead of opening the database twice.
const isPrimaryInstance = app.requestSingleInstanceLock();
if (!isPrimaryInstance) app.quit();

const rendererDir = path.join(__dirname, '..', 'renderer');
const preloadFile = path.join(__dirname, '..', 'preload', 'preload.cjs');
const log = (line: string) => console.log(`paydesk: ${line}`);
let main: BrowserWindow | undefined;

// paydesk:// links: the installers register the scheme (electron-builder.yml); a development run only when asked,
// since it would point the system's handler at a bare Electron binary.
if (app.isPackaged) app.setAsDefaultProtocolClient(LINK_SCHEME);
else if (process.env.PAYDESK_REGISTER_PROTOCOL === '1') app.setAsDefaultProtocolClient(LINK_SCHEME, process.execPath, [path.resolve(process.argv[1] ?? '.')]);
if (process.platform === 'win32') app.setAppUserModelId('com.paydesk.app'); // notifications are attributed to it
const links = new DeepLinkHandoff(log);
if (isPrimaryInstance) links.openFromArgv(process.argv); // Windows, Linux: launched by a link
app.on('open-url', (event, url) => {
  event.preventDefault(); // macOS: a link, whether the app was running or is being launched by it
  links.open(url);
});

app.on('second-instance', (_event, argv) => {
  if (main) {
    if (main.isMinimized()) main.restore();
    main.focus();
  }
  links.openFromArgv(argv); // Windows, Linux: the second launch's link, handed to this instance
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
  // This computer's database, or the team database chosen in Settings (its password in the OS keychain).
  const service = await ServiceHost.start({
    localDbFile: dbFile,
    secrets: keychain(),
    service: {
      mode: 'desktop',
      version: app.getVersion(),
      defaultReviewer: os.userInfo().username,
      log,
      pickFolder: async () => {
        const result = await dialog.showOpenDialog({ title: 'Choose the exports folder', properties: ['openDirectory'] });
        return result.canceled ? null : (result.filePaths[0] ?? null);
      },
    },
  });
  const unregister = registerIpc(service, () => BrowserWindow.getAllWindows());

  const windowStateFile = path.join(app.getPath('userData'), WINDOW_STATE_FILE);
  const openWindow = (route: AppRoute | null): BrowserWindow => {
    const state = readWindowState(windowStateFile);
    const win = createWindow(preloadFile, {
      placement: placeWindow(state, screen.getAllDisplays(), screen.getPrimaryDisplay()),
      route: route ?? lastRouteOf(state),
      onClose: (closing) => {
        try {
          writeWindowState(windowStateFile, closing);
        } catch (error) {
          log(`could not save the window's state: ${(error as Error).message}`);
        }
      },
    });
    win.on('closed', () => {
      if (main === win) main = undefined;
    });
    main = win;
    return win;
  };
  // Links, the notification and the menu all arrive here: the window comes forward on the route.
  const show = (route: AppRoute) => {
    if (main && !main.isDestroyed()) showRoute(main, route);
    else openWindow(route);
  };

  const notifyNewFlags = createNewFlagsNotifier({
    Notification,
    isSupported: () => Notification.isSupported(),
    enabled: () => notifyEnabled,
    open: show,
    log,
  });
  let notifyEnabled = true;
  const unsubscribeNotify = service.events.subscribe((event) => {
    if (event.name !== 'flags:new') return;
    void Promise.resolve(service.handlers['settings:get']({})).then(
      (settings) => {
        notifyEnabled = settings.notifyNewFlags;
        notifyNewFlags(event.payload as NewFlags);
      },
      (error: unknown) => log(`new flags: could not read the settings: ${(error as Error).message}`),
    );
  });

  const about = () => {
    const text = aboutText({ version: app.getVersion(), dbFile: service.store?.location ?? dbFile, electron: process.versions.electron, chrome: process.versions.chrome, node: process.versions.node });
    const options = { type: 'info' as const, title: 'About paydesk', buttons: ['OK'], ...text };
    void (main && !main.isDestroyed() ? dialog.showMessageBox(main, options) : dialog.showMessageBox(options));
  };
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate({
        sync: () => void service.handlers['sync:start']({}),
        navigate: show,
        showDatabaseFolder: () => void shell.openPath(app.getPath('userData')),
        about,
      }),
    ),
  );
  openWindow(links.attach(show));

  app.on('web-contents-created', (_event, contents) => guardContents(contents));
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow(null);
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => {
    unsubscribeNotify();
    unregister();
    void service.close();
  });
});

/**
 * The OS keychain through safeStorage, for the team database's password. On Linux without a keyring safeStorage
 * falls back to a fixed key ('basic_text'): that is plain text with extra steps, so it counts as no keychain.
 */
function keychain(): Secrets {
  return {
    available: () =>
      safeStorage.isEncryptionAvailable() && (process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text'),
    encrypt: (text) => safeStorage.encryptString(text),
    decrypt: (data) => safeStorage.decryptString(data),
  };
}
