// Watches an import running in another process from the outside, on Linux through /proc: how far it has read
// its export (the position of the open file), and how the database and its WAL grow. Nothing in paydesk is
// instrumented for this; the phases show in the files alone.
import fs from 'node:fs';

/** /proc/<pid>/fdinfo gives the read position of another process's open files (Linux). */
export const CAN_WATCH_READS = fs.existsSync('/proc/self/fdinfo');

export interface ImportProgress {
  elapsedMs: number;
  /**
   * How many times the export was opened so far: 1 while paydesk hashes it (before its transaction begins),
   * 2 once it reads it for the import.
   */
  opens: number;
  /** Bytes read in the current open; -1 when the export is not open. */
  position: number;
  /** The export has been read to its end for the import and closed: what is left is index builds and commit. */
  readForImport: boolean;
  /** Size of the WAL when the import finished reading, or -1 before that. */
  walBytesWhenRead: number;
  /** -1 when there is no WAL file yet (the database is not open). */
  walBytes: number;
  dbBytes: number;
}

export class ImportWatch {
  private readonly started = Date.now();
  private readonly exportPath: string;
  private opens = 0;
  private lastPosition = -1;
  private readForImport = false;
  private walBytesWhenRead = -1;
  private exportFds: string[] = [];

  constructor(
    private readonly pid: number,
    exportFile: string,
    private readonly dbFile: string,
  ) {
    this.exportPath = fs.realpathSync(exportFile);
  }

  sample(): ImportProgress {
    const position = CAN_WATCH_READS ? this.exportPosition() : -1;
    if (position >= 0 && (this.lastPosition < 0 || position < this.lastPosition)) this.opens++;
    const walBytes = fileSize(this.dbFile + '-wal');
    // (A position of 0 is the brief open that checks for gzip magic bytes with a positioned read.)
    if (position < 0 && this.lastPosition > 0 && this.opens >= 2 && !this.readForImport) {
      this.readForImport = true;
      this.walBytesWhenRead = walBytes;
    }
    this.lastPosition = position;
    return {
      elapsedMs: Date.now() - this.started,
      opens: this.opens,
      position,
      readForImport: this.readForImport,
      walBytesWhenRead: this.walBytesWhenRead,
      walBytes,
      dbBytes: fileSize(this.dbFile),
    };
  }

  /** The furthest read position among the process's open descriptors of the export, or -1. */
  private exportPosition(): number {
    // Descriptors found last time are checked first; the whole table is listed only when they are gone.
    let position = this.positionOf(this.exportFds);
    if (position >= 0) return position;
    try {
      this.exportFds = fs.readdirSync(`/proc/${this.pid}/fd`);
    } catch {
      return -1; // the process has exited
    }
    position = this.positionOf(this.exportFds);
    if (position < 0) this.exportFds = [];
    return position;
  }

  private positionOf(fds: readonly string[]): number {
    let position = -1;
    const open: string[] = [];
    for (const fd of fds) {
      try {
        if (fs.readlinkSync(`/proc/${this.pid}/fd/${fd}`) !== this.exportPath) continue;
        const info = fs.readFileSync(`/proc/${this.pid}/fdinfo/${fd}`, 'utf8');
        position = Math.max(position, Number(/^pos:\s+(\d+)/m.exec(info)?.[1] ?? 0));
        open.push(fd);
      } catch {
        // the descriptor closed between listing and reading
      }
    }
    if (open.length) this.exportFds = open;
    return position;
  }
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return -1;
  }
}

export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
