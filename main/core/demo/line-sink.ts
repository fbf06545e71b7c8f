// Buffers CSV lines and writes them in chunks, waiting for 'drain' so that huge demo sizes stay in bounded memory.
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';

const CHUNK_CHARS = 1 << 16;

export class LineSink {
  /** Lines written, not counting the header. */
  rows = 0;
  private readonly stream: WriteStream;
  private pending: string[] = [];
  private pendingChars = 0;
  private error: Error | undefined;

  constructor(path: string, header: string) {
    this.stream = createWriteStream(path);
    // Without a listener an I/O error would be thrown from the event loop instead of from our awaits.
    this.stream.on('error', (error) => (this.error ??= error));
    this.pending.push(header);
  }

  add(line: string): void {
    this.pending.push(line);
    this.pendingChars += line.length;
    this.rows++;
  }

  async flushIfFull(): Promise<void> {
    if (this.pendingChars >= CHUNK_CHARS) await this.flush();
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await finished(this.stream);
  }

  destroy(): void {
    this.stream.destroy();
  }

  private async flush(): Promise<void> {
    this.throwIfBroken();
    if (this.pending.length === 0) return;
    const ready = this.stream.write(this.pending.join('\n') + '\n');
    this.pending = [];
    this.pendingChars = 0;
    if (!ready) await once(this.stream, 'drain');
  }

  private throwIfBroken(): void {
    if (this.error) throw this.error;
    if (this.stream.destroyed) throw new Error('demo export stream was closed');
  }
}
