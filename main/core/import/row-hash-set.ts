// The row hashes of the stored payments, as an open-addressing set in one typed array: 8 bytes a slot, at most
// half full, so a million rows take 16 MB. Built in shared memory, it is read by both parse workers of a file
// without a copy.
import type { RowHash } from './row-hash.js';

const MIN_SLOTS = 1 << 10;
/** The low half stored for the one hash equal to the empty marker (0, 0). */
const EMPTY_STAND_IN = 1;

export class RowHashSet {
  private slots: Uint32Array; // [hi, lo] per slot; (0, 0) marks an empty slot
  private mask: number;
  /** Undefined for a set built elsewhere until asked for: counting means reading all of its slots. */
  private count: number | undefined = 0;

  /**
   * `buffer`: the backing array of a set built elsewhere (read, not added to); `expected`: how many hashes a new
   * set will likely hold; `shared`: a new set in shared memory, for other threads to read.
   */
  constructor(buffer?: ArrayBufferLike, expected = 0, shared = false) {
    let slots = MIN_SLOTS;
    while (slots < expected * 2) slots *= 2;
    this.slots = new Uint32Array(buffer ?? (shared ? new SharedArrayBuffer(slots * 8) : new ArrayBuffer(slots * 8)));
    this.mask = this.slots.length / 2 - 1;
    if (buffer) this.count = undefined;
  }

  /** The backing array, to hand to another thread (after which this set must not be added to). */
  get buffer(): ArrayBufferLike {
    return this.slots.buffer;
  }

  get size(): number {
    this.count ??= this.filledSlots();
    return this.count;
  }

  add(hi: number, lo: number): void {
    this.count ??= this.filledSlots();
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    const h = hi >>> 0;
    const l = h === 0 && lo === 0 ? EMPTY_STAND_IN : lo >>> 0;
    let slot = this.firstSlot(h, l);
    for (;;) {
      const at = slot * 2;
      const sh = this.slots[at];
      const sl = this.slots[at + 1];
      if (sh === 0 && sl === 0) {
        this.slots[at] = h;
        this.slots[at + 1] = l;
        this.count++;
        return;
      }
      if (sh === h && sl === l) return;
      slot = (slot + 1) & this.mask;
    }
  }

  has(hash: RowHash): boolean {
    return this.hasHash(hash.hi, hash.lo);
  }

  /** `has` of the hash with these halves. */
  hasHash(hi: number, lo: number): boolean {
    const h = hi >>> 0;
    const l = h === 0 && lo === 0 ? EMPTY_STAND_IN : lo >>> 0;
    let slot = this.firstSlot(h, l);
    for (;;) {
      const at = slot * 2;
      const sh = this.slots[at];
      const sl = this.slots[at + 1];
      if (sh === h && sl === l) return true;
      if (sh === 0 && sl === 0) return false;
      slot = (slot + 1) & this.mask;
    }
  }

  private filledSlots(): number {
    let filled = 0;
    for (let i = 0; i < this.slots.length; i += 2) if (this.slots[i] !== 0 || this.slots[i + 1] !== 0) filled++;
    return filled;
  }

  private firstSlot(h: number, l: number): number {
    return (Math.imul(h ^ (l >>> 7), 0x9e3779b1) >>> 0) & this.mask;
  }

  private grow(): void {
    const old = this.slots;
    const bytes = old.byteLength * 2;
    this.slots = new Uint32Array(old.buffer instanceof SharedArrayBuffer ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
    this.mask = this.slots.length / 2 - 1;
    this.count = 0;
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0 || old[i + 1] !== 0) this.add(old[i], old[i + 1]);
  }
}

/**
 * The stored payments' row hashes as a store reads them, page by page (each page [hi, lo] pairs of 4-byte
 * big-endian words), so that a parse worker can fill its set while the store reads the next page.
 */
export interface RowHashPages {
  /** About how many hashes there are, to size a set. */
  expected: number;
  pages: Iterable<Buffer> | AsyncIterable<Buffer>;
}

export function addPage(set: RowHashSet, page: Uint8Array): void {
  const words = new DataView(page.buffer, page.byteOffset, page.byteLength);
  for (let i = 0; i + 8 <= page.byteLength; i += 8) set.add(words.getInt32(i), words.getInt32(i + 4));
}

export async function rowHashSetOf(stored: RowHashPages, shared = false): Promise<RowHashSet> {
  const set = new RowHashSet(undefined, stored.expected, shared);
  for await (const page of stored.pages) addPage(set, page);
  return set;
}

/** The stored row hashes as they cross to another thread: about how many (null: none), each page, the end. */
export type RowHashPageMessage =
  | { type: 'storedRows'; expected: number | null }
  | { type: 'storedPage'; page: Uint8Array }
  | { type: 'storedEnd' };

/** Posts the pages to the thread that builds their set (SharedSetFromPages), as the store reads them. */
export async function postRowHashPages(stored: RowHashPages, post: (message: RowHashPageMessage) => void, stopped = () => false): Promise<void> {
  post({ type: 'storedRows', expected: stored.expected });
  for await (const page of stored.pages) {
    if (stopped()) return;
    post({ type: 'storedPage', page });
  }
  post({ type: 'storedEnd' });
}

/** The receiving end of postRowHashPages: builds the set in shared memory while the next page is read. */
export class SharedSetFromPages {
  private readonly queue = new PageQueue();

  /** `built` gets the set once its last page is in (undefined at once when no row is stored). */
  take(message: RowHashPageMessage, built: (set: RowHashSet | undefined) => void): void {
    if (message.type === 'storedRows') {
      if (message.expected === null) return built(undefined);
      void rowHashSetOf({ expected: message.expected, pages: this.queue.pages() }, true).then(built);
    } else if (message.type === 'storedPage') {
      this.queue.push(Buffer.from(message.page.buffer, message.page.byteOffset, message.page.byteLength));
    } else {
      this.queue.end();
    }
  }
}

/** The pages as they arrive, read as they come. */
class PageQueue {
  private queued: Buffer[] = [];
  private ended = false;
  private wake: (() => void) | undefined;

  push(page: Buffer): void {
    this.queued.push(page);
    this.wake?.();
  }

  end(): void {
    this.ended = true;
    this.wake?.();
  }

  async *pages(): AsyncGenerator<Buffer> {
    for (;;) {
      const page = this.queued.shift();
      if (page) yield page;
      else if (this.ended) return;
      else await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}
