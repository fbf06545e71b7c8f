// The hardened window: the decisions live in hardening.ts, where it opens in window-state.ts (both tested under
// Node); this file only wires them to Electron. The renderer is served from the app:// protocol (see index.ts).
import { BrowserWindow, nativeTheme, session, shell, type WebContents } from 'electron';
import { routeToHash, type AppRoute } from '../shared/links.js';
import { appUrlFor } from './deep-link-handoff.js';
import {
  allowPermissionCheck,
  allowPermissionRequest,
  keepDownloadPrivate,
  shouldAllowNavigation,
  webPreferences,
  windowOpenDecision,
} from './hardening.js';
import { routeOfUrl, WINDOW_SIZE, type WindowPlacement, type WindowState } from './window-state.js';

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

export interface WindowOptions {
  placement: WindowPlacement;
  /** The screen to open on (a link, or the last one shown); null: the renderer's default. */
  route: AppRoute | null;
  /** When the window closes: what to restore next time. */
  onClose?: (state: WindowState) => void;
}

export function createWindow(preloadFile: string, { placement, route, onClose }: WindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    ...(placement.x !== undefined && placement.y !== undefined ? { x: placement.x, y: placement.y } : {}),
    width: placement.width,
    height: placement.height,
    minWidth: WINDOW_SIZE.minWidth,
    minHeight: WINDOW_SIZE.minHeight,
    show: false,
    title: 'paydesk',
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#0f1218' : '#f6f7f9',
    webPreferences: webPreferences(preloadFile),
  });
  let lastRoute = route ? routeToHash(route) : null;
  const remember = (url: string) => (lastRoute = routeOfUrl(url) ?? lastRoute);
  win.webContents.on('did-navigate', (_event, url) => remember(url));
  win.webContents.on('did-navigate-in-page', (_event, url, isMainFrame) => isMainFrame && remember(url));
  win.on('close', () => onClose?.({ bounds: win.getNormalBounds(), maximized: win.isMaximized(), lastRoute }));
  win.once('ready-to-show', () => {
    if (placement.maximized) win.maximize();
    win.show();
  });
  guardContents(win.webContents);
  void win.loadURL(appUrlFor(route));
  return win;
}

/**
 * Brings the window forward on a route (a link, a notification, the menu). Only the fragment of the app's own
 * page changes: an in-page navigation the renderer sees as a hashchange, no reload, no script run.
 */
export function showRoute(win: BrowserWindow, route: AppRoute): void {
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
  const url = appUrlFor(route);
  if (win.webContents.getURL() !== url) void win.loadURL(url).catch(() => undefined); // the same URL again would reload
}
