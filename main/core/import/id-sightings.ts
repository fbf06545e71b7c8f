// The ids a table loading without its key index has had (store.ts), by a 32-bit hash of each: 4 bytes a slot, at
// most half full, so 2,000,000 ids take 16 MB. A hash seen before means the id may repeat, or two ids share a hash
// (about 500 pairs among 2,000,000 ids): either way the row is held back and written through the key once it is
// rebuilt, so a shared hash costs a little time, never a wrong result.
import { hashText, layoutSeed } from './row-hash.js';

const SEED = layoutSeed('id');
const MIN_SLOTS = 1 << 16;
/** Stored instead of a hash of 0, which marks an empty slot. */
const ZERO_STAND_IN = 1;

export class IdSightings {
  private slots = new Int32Array(MIN_SLOTS);
  private count = 0;

  /** Whether this is the first time the id's hash is seen; remembers it. */
  firstSighting(id: string): boolean {
    const hash = hashText(id, SEED).lo || ZERO_STAND_IN;
    if (!this.add(hash)) return false;
    if (this.count * 2 > this.slots.length) this.grow();
    return true;
  }

  private add(hash: number): boolean {
    const mask = this.slots.length - 1;
    for (let slot = Math.imul(hash, 0x9e3779b1) >>> 0 & mask; ; slot = (slot + 1) & mask) {
      if (this.slots[slot] === hash) return false;
      if (this.slots[slot] === 0) {
        this.slots[slot] = hash;
        this.count++;
        return true;
      }
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    this.count = 0;
    for (const hash of old) if (hash !== 0) this.add(hash);
  }
}
