// One import at a time, run in the import worker; relays its progress as API events.
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SyncFinished, SyncProgress } from '../../../shared/api.js';
import type { ImportJob, WorkerMessage } from '../import-worker.js';
import type { EventHub } from './events.js';

export class SyncRunner {
  private worker: Worker | undefined;
  private progress: SyncProgress | null = null;
  private last: SyncFinished | null = null;

  constructor(
    private readonly events: EventHub,
    private readonly onFinished: (finished: SyncFinished) => void,
    private readonly workerFile = path.join(__dirname, '..', 'import-worker.js'),
  ) {}

  get running(): boolean {
    return this.worker !== undefined;
  }

  state() {
    return { running: this.running, progress: this.progress, last: this.last };
  }

  start(job: ImportJob): boolean {
    if (this.worker) return false;
    const worker = new Worker(this.workerFile, { workerData: job });
    this.worker = worker;
    this.progress = { path: '', fileIndex: 0, fileCount: 0, bytesDone: 0, bytesTotal: 0, rows: 0, rowsPerSecond: 0, etaSeconds: null, percent: 0 };
    let settled = false;
    const finish = (finished: Omit<SyncFinished, 'finishedAt'>) => {
      if (settled) return;
      settled = true;
      this.worker = undefined;
      this.last = { ...finished, finishedAt: new Date().toISOString() };
      this.onFinished(this.last);
      this.events.emit('data:changed', { tables: ['imports', 'payments', 'ledger', 'reviews'] });
      this.events.emit('import:finished', this.last);
    };
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') {
        this.progress = message.progress;
        this.events.emit('import:progress', message.progress);
      } else if (message.type === 'fileDone') {
        this.events.emit('import:fileDone', message.report);
        this.events.emit('data:changed', { tables: ['imports', 'payments', 'ledger', 'reviews'] });
      } else if (message.type === 'done') {
        finish({ canceled: message.canceled, error: null, reports: message.reports });
      } else {
        finish({ canceled: false, error: message.message, reports: [] });
      }
    });
    worker.on('error', (error) => finish({ canceled: false, error: error.message, reports: [] }));
    worker.on('exit', (code) => finish({ canceled: false, error: code === 0 ? null : `the import stopped (exit code ${code})`, reports: [] }));
    return true;
  }

  cancel(): boolean {
    if (!this.worker) return false;
    this.worker.postMessage('cancel');
    return true;
  }

  async stop(): Promise<void> {
    await this.worker?.terminate();
  }
}
