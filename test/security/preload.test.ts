// The preload exposes one closed facade, window.paydesk = { invoke, on }: a static check of main/preload.ts
// (it cannot run without Electron) and the facade itself, built over a fake ipcRenderer.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { API_METHODS, type ApiEvent } from '../../shared/api.js';
import { createBridge, type BridgeIpc } from '../../main/preload-bridge.js';

const root = path.resolve(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');
const code = (source: string) => source.replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');

function fakeIpc() {
  const listeners = new Map<string, Set<(event: unknown, payload: ApiEvent) => void>>();
  const ipc = {
    invoke: vi.fn(async () => ({ ok: true, value: 'answer' })),
    on: vi.fn((channel: string, listener: (event: unknown, payload: ApiEvent) => void) => {
      listeners.set(channel, (listeners.get(channel) ?? new Set()).add(listener));
    }),
    removeListener: vi.fn((channel: string, listener: (event: unknown, payload: ApiEvent) => void) => listeners.get(channel)?.delete(listener)),
    emit: (channel: string, payload: ApiEvent) => listeners.get(channel)?.forEach((l) => l({ sender: 'the IpcRendererEvent', ports: [] }, payload)),
    count: (channel: string) => listeners.get(channel)?.size ?? 0,
  };
  return ipc satisfies BridgeIpc;
}

describe('main/preload.ts', () => {
  const preload = code(read('main/preload.ts'));
  const bridge = code(read('main/preload-bridge.ts'));

  it('exposes exactly one object, the bridge, under window.paydesk', () => {
    expect(preload.match(/exposeInMainWorld\s*\(/g)).toHaveLength(1);
    expect(preload).toMatch(/contextBridge\.exposeInMainWorld\('paydesk', createBridge\(ipcRenderer\)\);/);
    expect(preload).not.toMatch(/exposeInIsolatedWorld|webFrame|require\(/);
  });

  it('imports only electron and the bridge', () => {
    const imports = [...preload.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]);
    expect(imports.sort()).toEqual(['./preload-bridge.js', 'electron']);
    const bridgeImports = [...bridge.matchAll(/^import\s+(type\s+)?[^;]*from\s+'([^']+)'/gm)].map((m) => `${m[1] ? 'type ' : ''}${m[2]}`);
    expect(bridgeImports).toEqual(['../shared/api.js']); // method names only: the schemas (zod) stay in the main process
  });

  it('is bundled into one file that requires nothing but electron (run npm run build first)', () => {
    const bundle = read('dist/preload/preload.cjs');
    expect([...bundle.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1])).toEqual(['electron']);
    expect(bundle.match(/exposeInMainWorld\s*\(/g)).toHaveLength(1);
    expect(bundle).not.toMatch(/\bzod\b|ZodError/);
    expect(bundle.length).toBeLessThan(10_000);
  });

  it('the bridge passes on no Electron or Node object and has no generic send', () => {
    expect(bridge).not.toMatch(/\bprocess\b|\brequire\b|\.send\s*\(|sendSync|ipcRenderer|postMessage/);
    expect([...bridge.matchAll(/ipc\.(\w+)\(\s*'([^']+)'/g)].map((m) => `${m[1]} ${m[2]}`).sort()).toEqual(['invoke api:invoke', 'on api:event', 'removeListener api:event']);
  });
});

describe('the bridge', () => {
  it('has exactly invoke and on', () => {
    expect(Object.keys(createBridge(fakeIpc())).sort()).toEqual(['invoke', 'on']);
  });

  it('invoke passes every contract method to the one IPC channel', async () => {
    const ipc = fakeIpc();
    const bridge = createBridge(ipc);
    for (const method of API_METHODS) expect(await bridge.invoke(method, { a: 1 })).toEqual({ ok: true, value: 'answer' });
    expect(ipc.invoke).toHaveBeenCalledTimes(API_METHODS.length);
    expect(ipc.invoke).toHaveBeenCalledWith('api:invoke', 'app:info', { a: 1 });
  });

  it('invoke refuses names outside the contract without touching IPC', async () => {
    const ipc = fakeIpc();
    const bridge = createBridge(ipc) as { invoke(method: unknown, args: unknown): Promise<unknown> };
    for (const name of ['evil:run', 'api:invoke', '__proto__', 'constructor', 'toString', '', null, undefined, 42, { toString: () => 'app:info' }]) {
      expect(await bridge.invoke(name, {}), String(name)).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    }
    expect(ipc.invoke).not.toHaveBeenCalled();
  });

  it('on hands listeners the event only, never the IpcRendererEvent, and unsubscribes', () => {
    const ipc = fakeIpc();
    const received: unknown[][] = [];
    const off = createBridge(ipc).on((...args: unknown[]) => received.push(args));
    const event: ApiEvent = { name: 'data:changed', payload: { tables: ['reviews'] } };
    ipc.emit('api:event', event);
    expect(received).toEqual([[event]]);
    off();
    expect(ipc.count('api:event')).toBe(0);
    ipc.emit('api:event', event);
    expect(received).toHaveLength(1);
  });
});
