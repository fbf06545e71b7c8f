// The desktop window's hardening, tested without an Electron binary: main/hardening.ts holds every decision
// the window, the session and the IPC handler make (window.ts and ipc.ts only wire them).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  allowPermissionCheck,
  allowPermissionRequest,
  appFileFor,
  isAppUrl,
  isTrustedSender,
  keepDownloadPrivate,
  shouldAllowNavigation,
  webPreferences,
  windowOpenDecision,
} from '../../main/hardening.js';

const root = path.resolve(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');

const FOREIGN_URLS = [
  'https://evil.example/',
  'http://127.0.0.1:3000/',
  'file:///etc/passwd',
  'app://paydesk.evil.example/index.html',
  'app://evil.example/index.html',
  'app://paydesk@evil.example/index.html',
  'app://user:pass@paydesk/index.html',
  'app://paydesk:8080/index.html',
  'app://PAYDESK/index.html',
  'https://evil.example/?next=app://paydesk/index.html',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'about:blank',
  'devtools://devtools/bundled/inspector.html',
  'chrome://settings',
  'app:paydesk',
  '',
  'not a url',
];

describe('the window', () => {
  const prefs = webPreferences('dist/preload/preload.cjs');

  it('isolates the page from Node: context isolation, sandbox, no Node integration anywhere', () => {
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
  });

  it('keeps web security on and the risky switches off', () => {
    expect(prefs.webSecurity).not.toBe(false);
    expect(prefs.allowRunningInsecureContent).not.toBe(true);
    expect(prefs.experimentalFeatures).not.toBe(true);
    expect(prefs.webviewTag).not.toBe(true);
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
    expect(prefs).not.toHaveProperty('additionalArguments');
    expect(path.isAbsolute(prefs.preload ?? '')).toBe(true);
  });

  it('window.ts builds its window from these preferences and wires every guard', () => {
    const source = read('main/window.ts');
    expect(source).toMatch(/webPreferences: webPreferences\(preloadFile\)/);
    for (const hook of ["'will-navigate'", "'will-redirect'", "'will-attach-webview'", 'setWindowOpenHandler', 'setPermissionRequestHandler', 'setPermissionCheckHandler', "'will-download'"]) {
      expect(source, hook).toContain(hook);
    }
    expect(read('main/index.ts')).toMatch(/'web-contents-created', \(_event, contents\) => guardContents\(contents\)/);
  });
});

describe('navigation and new windows', () => {
  it('recognises the app by scheme and host, never by substring', () => {
    expect(isAppUrl('app://paydesk/index.html')).toBe(true);
    expect(isAppUrl('app://paydesk/assets/index.js?v=1#/stuck')).toBe(true);
    for (const url of FOREIGN_URLS) expect(isAppUrl(url), url).toBe(false);
  });

  it('allows navigation only within the app', () => {
    expect(shouldAllowNavigation('app://paydesk/index.html#/duplicates')).toBe(true);
    for (const url of FOREIGN_URLS) expect(shouldAllowNavigation(url), url).toBe(false);
  });

  it('denies every new window; only a well-formed https link is handed to the browser', () => {
    for (const url of [...FOREIGN_URLS, 'app://paydesk/index.html', 'https://docs.example/help']) {
      expect(windowOpenDecision(url).action, url).toBe('deny');
    }
    expect(windowOpenDecision('https://docs.example/help').openExternally).toBe('https://docs.example/help');
    for (const url of ['http://docs.example/', 'file:///etc/passwd', 'smb://host/share', 'javascript:alert(1)', 'ms-msdt:/id', 'app://paydesk/', 'not a url']) {
      expect(windowOpenDecision(url).openExternally, url).toBeNull();
    }
  });
});

describe('permissions', () => {
  it('denies every permission request', () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'midi', 'midiSysex', 'pointerLock', 'fullscreen', 'openExternal', 'clipboard-read', 'clipboard-sanitized-write', 'display-capture', 'hid', 'serial', 'usb', 'storage-access', 'unknown']) {
      expect(allowPermissionRequest(permission), permission).toBe(false);
    }
  });

  it('allows only the clipboard write check, and only for the app', () => {
    expect(allowPermissionCheck('clipboard-sanitized-write', 'app://paydesk')).toBe(true);
    expect(allowPermissionCheck('clipboard-sanitized-write', 'https://evil.example')).toBe(false);
    for (const permission of ['clipboard-read', 'media', 'geolocation', 'notifications', 'hid', 'serial', 'usb']) {
      expect(allowPermissionCheck(permission, 'app://paydesk'), permission).toBe(false);
    }
  });
});

describe('the IPC sender check', () => {
  it('trusts the app page in the top frame only', () => {
    expect(isTrustedSender('app://paydesk/index.html', true)).toBe(true);
    expect(isTrustedSender('app://paydesk/index.html', false)).toBe(false);
    expect(isTrustedSender(undefined, true)).toBe(false);
    for (const url of FOREIGN_URLS) expect(isTrustedSender(url, true), url).toBe(false);
  });
});

describe('the app:// protocol', () => {
  const rendererDir = path.join(os.tmpdir(), 'paydesk-renderer');

  it('serves files of the built renderer', () => {
    expect(appFileFor(rendererDir, 'app://paydesk/index.html')).toBe(path.join(rendererDir, 'index.html'));
    expect(appFileFor(rendererDir, 'app://paydesk/')).toBe(path.join(rendererDir, 'index.html'));
    expect(appFileFor(rendererDir, 'app://paydesk/assets/index-x.js')).toBe(path.join(rendererDir, 'assets', 'index-x.js'));
  });

  it('serves nothing outside it (dot segments are resolved inside), from other hosts or behind malformed escapes', () => {
    for (const url of [
      'app://paydesk/../../etc/passwd',
      'app://paydesk/..%2f..%2fetc%2fpasswd',
      'app://paydesk/%2e%2e/%2e%2e/etc/passwd',
      'app://paydesk/%2fetc%2fpasswd',
      'app://paydesk/assets/..%2f..%2f..%2fpaydesk.db',
      'app://paydesk/%E0%A4%A',
    ]) {
      const file = appFileFor(rendererDir, url);
      expect(file === null || file.startsWith(rendererDir + path.sep), `${url} -> ${file}`).toBe(true);
    }
    for (const url of ['app://evil/index.html', 'app://paydesk.evil/index.html', 'app://x@paydesk/index.html', 'file:///etc/passwd', 'app://paydesk/%E0%A4%A']) {
      expect(appFileFor(rendererDir, url), url).toBeNull();
    }
  });
});

describe('downloads', () => {
  it('a completed download (a CSV export) is made readable by its owner only', () => {
    const chmod = vi.fn();
    let done: ((event: unknown, state: string) => void) | undefined;
    keepDownloadPrivate({ once: (_e, listener) => (done = listener), getSavePath: () => '/home/me/paydesk-stuck.csv' }, chmod);
    expect(chmod).not.toHaveBeenCalled();
    done?.({}, 'completed');
    if (process.platform !== 'win32') expect(chmod).toHaveBeenCalledWith('/home/me/paydesk-stuck.csv', 0o600);
  });

  it('an interrupted or canceled download is left alone', () => {
    for (const state of ['cancelled', 'interrupted']) {
      const chmod = vi.fn();
      let done: ((event: unknown, state: string) => void) | undefined;
      keepDownloadPrivate({ once: (_e, listener) => (done = listener), getSavePath: () => '/tmp/x.csv' }, chmod);
      done?.({}, state);
      expect(chmod).not.toHaveBeenCalled();
    }
  });
});
