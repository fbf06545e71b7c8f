// The desktop window's security decisions as plain data and pure functions, so they are tested under Node
// (test/security) where no Electron binary exists. window.ts, ipc.ts and index.ts only wire them to Electron.
import fs from 'node:fs';
import path from 'node:path';
import type { WebPreferences } from 'electron';

const APP_SCHEME = 'app:';
const APP_HOST = 'paydesk';
export const APP_ORIGIN = `${APP_SCHEME}//${APP_HOST}`;

export function webPreferences(preloadFile: string): WebPreferences {
  return {
    preload: path.resolve(preloadFile),
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

/**
 * Parsed, never matched as a substring: `app://paydesk.evil.example` and `https://x/?app://paydesk` are not ours.
 * Compares scheme and host, not `origin`: Node's URL gives every non-web scheme the opaque origin "null".
 */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === APP_SCHEME && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}

/** will-navigate / will-redirect: only the app's own pages. */
export function shouldAllowNavigation(url: string): boolean {
  return isAppUrl(url);
}

/** setWindowOpenHandler: never a new window; an https link goes to the user's browser instead. */
export function windowOpenDecision(url: string): { action: 'deny'; openExternally: string | null } {
  let external: string | null = null;
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'https:') external = parsed.toString();
  } catch {
    // not a URL: nothing to open
  }
  return { action: 'deny', openExternally: external };
}

/** Camera, microphone, notifications, geolocation…: the app needs none of them. */
export function allowPermissionRequest(_permission: string): boolean {
  return false;
}

/** Synchronous permission checks: only writing to the clipboard (the "Copy reply" buttons), only for our pages. */
export function allowPermissionCheck(permission: string, requestingOrigin: string): boolean {
  return permission === 'clipboard-sanitized-write' && isAppUrl(requestingOrigin);
}

/** An IPC call is answered only for the app's own page in the top frame, never for a subframe or other origin. */
export function isTrustedSender(frameUrl: string | undefined, isMainFrame: boolean): boolean {
  return isMainFrame && frameUrl !== undefined && isAppUrl(frameUrl);
}

/** The app:// protocol: a file of the built renderer, or null for anything else (other hosts, ../, bad escapes). */
export function appFileFor(rendererDir: string, url: string): string | null {
  let parsed: URL;
  let relative: string;
  try {
    parsed = new URL(url);
    relative = decodeURIComponent(parsed.pathname).replace(/^\/+/, '') || 'index.html';
  } catch {
    return null;
  }
  if (!isAppUrl(url)) return null;
  const root = path.resolve(rendererDir);
  const file = path.resolve(root, relative);
  return file.startsWith(root + path.sep) ? file : null;
}

/** A downloaded CSV holds customer emails: readable by its owner only, as the database is. */
export function keepDownloadPrivate(
  item: { once(event: 'done', listener: (event: unknown, state: string) => void): unknown; getSavePath(): string },
  chmod: (file: string, mode: number) => void = fs.chmodSync,
): void {
  item.once('done', (_event, state) => {
    const file = item.getSavePath();
    if (state === 'completed' && file && process.platform !== 'win32') chmod(file, 0o600);
  });
}
