// One rebuild of the flag lists at a time, in lists-worker.ts. A change during a rebuild leaves the lists stale
// again when it ends, and the next read of a list (the screens read on its 'flags' event) starts another.
import { Worker } from 'node:worker_threads';
import type { ListsJob, ListsWorkerMessage } from '../lists-worker.js';

export class ListsRebuild {
  private worker: Worker | undefined;
  private stopping = false;

  constructor(
    private readonly job: ListsJob,
    private readonly workerFile: string,
    private readonly onDone: (result: { rebuilt: boolean; error: string | null }) => void,
  ) {}

  get running(): boolean {
    return this.worker !== undefined;
  }

  /** Starts a rebuild, unless one is under way. */
  start(): void {
    if (this.worker) return;
    const worker = new Worker(this.workerFile, { workerData: this.job });
    this.worker = worker;
    let settled = false;
    const finish = (rebuilt: boolean, error: string | null) => {
      if (settled) return;
      settled = true;
      this.worker = undefined;
      this.onDone({ rebuilt, error });
    };
    worker.on('message', (message: ListsWorkerMessage) => finish(message.type === 'done' && message.rebuilt, message.type === 'error' ? message.message : null));
    worker.on('error', (error) => finish(false, error.message));
    worker.on('exit', (code) => finish(false, code === 0 || this.stopping ? null : `the rebuild of the flag lists stopped (exit code ${code})`));
  }

  /** Ends a rebuild under way; its transaction rolls back, and the lists stay as they were. */
  async stop(): Promise<void> {
    if (!this.worker) return;
    this.stopping = true;
    await this.worker.terminate();
    this.stopping = false;
  }
}
