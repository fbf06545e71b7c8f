// The hardened window: the decisions live in hardening.ts (tested under Node); this file only wires them to
// Electron. The renderer is served from the app:// protocol (see index.ts).
import { BrowserWindow, nativeTheme, session, shell, type WebContents } from 'electron';
import {
  allowPermissionCheck,
  allowPermissionRequest,
  APP_ORIGIN,
  keepDownloadPrivate,
  shouldAllowNavigation,
  webPreferences,
  windowOpenDecision,
} from './hardening.js';

export function hardenSession(): void {
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => callback(allowPermissionRequest(permission)));
  session.defaultSession.setPermissionCheckHandler((_wc, permission, requestingOrigin) => allowPermissionCheck(permission, requestingOrigin));
  session.defaultSession.on('will-download', (_event, item) => keepDownloadPrivate(item));
}

/** Applied to every web contents the app creates (index.ts calls it from 'web-contents-created'). */
export function guardContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!shouldAllowNavigation(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!shouldAllowNavigation(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const decision = windowOpenDecision(url);
    if (decision.openExternally) void shell.openExternal(decision.openExternally);
    return { action: decision.action };
  });
}

export function createWindow(preloadFile: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 980,
    minHeight: 600,
    show: false,
    title: 'paydesk',
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#0f1218' : '#f6f7f9',
    webPreferences: webPreferences(preloadFile),
  });
  win.once('ready-to-show', () => win.show());
  guardContents(win.webContents);
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}
