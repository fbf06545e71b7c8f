// The preload: exposes the closed facade of preload-bridge.ts as window.paydesk and nothing else (no
// ipcRenderer, no process). Bundled to one CommonJS file (sandboxed preloads cannot require files).
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './preload-bridge.js';

contextBridge.exposeInMainWorld('paydesk', createBridge(ipcRenderer));
