// Types for electron-runtime.mjs (imported by test/unit/start-electron.test.ts).
export const DEFAULT_TIMEOUT_MS: number;
export const DEFAULT_STALL_MS: number;

export type ElectronRuntime = { ok: true; path: string; installed: boolean } | { ok: false; reason: string };

export interface FindOrInstallOptions {
  electronDir: string;
  timeoutMs?: number;
  stallMs?: number;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  onProgress?: (progress: { bytes: number; elapsedMs: number }) => void;
}

export function installedElectron(electronDir: string, env?: NodeJS.ProcessEnv): string | null;
export function electronDownloadUrl(version: string, env?: NodeJS.ProcessEnv): string;
export function installerError(stderr: string): string;
export function findOrInstallElectron(options: FindOrInstallOptions): Promise<ElectronRuntime>;
export function progressPrinter(stream?: NodeJS.WriteStream): {
  onProgress(progress: { bytes: number; elapsedMs: number }): void;
  done(): void;
};
