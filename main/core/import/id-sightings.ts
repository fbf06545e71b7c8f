// The ids a table loading without its key index has had (store.ts), in a Bloom filter of a fixed 8 MB: a first
// load takes the same memory for a file of a million rows as for one of several. Each id sets four bits of one
// 64-byte block, so a sighting reads one cache line. An id whose four bits are all set already may repeat, or
// shares them by chance (measured on random Stripe-shaped ids: 4 by 1,000,000 ids, 94 by 2,000,000, 2,155 by
// 4,000,000; docs/benchmarks.md). Either way the row is held back and written through the key once it is rebuilt, so a false
// sighting costs a little time, never a wrong result. Past the importer's limit on rows held back (about
// 5,800,000 ids), it rebuilds the key and the rest of the file goes in through it.
import { hashText, layoutSeed } from './row-hash.js';

const SEED = layoutSeed('id');
const BLOCKS = 1 << 17;
const WORDS_PER_BLOCK = 16; // 512 bits
const BIT_IN_BLOCK = 511;

export class IdSightings {
  private readonly words = new Int32Array(BLOCKS * WORDS_PER_BLOCK);

  /** Whether this is the first time the id is seen, as far as the filter can tell; remembers it. */
  firstSighting(id: string): boolean {
    const { hi, lo } = hashText(id, SEED);
    const block = ((hi >>> 15) & (BLOCKS - 1)) * WORDS_PER_BLOCK;
    // Four bit positions from 36 of the hash's other bits.
    const first = this.set(block, lo & BIT_IN_BLOCK);
    const second = this.set(block, (lo >>> 9) & BIT_IN_BLOCK);
    const third = this.set(block, (lo >>> 18) & BIT_IN_BLOCK);
    const fourth = this.set(block, ((lo >>> 27) | (hi << 5)) & BIT_IN_BLOCK);
    return first || second || third || fourth;
  }

  /** Sets a bit of the block; whether it was clear. */
  private set(block: number, bit: number): boolean {
    const word = block + (bit >>> 5);
    const mask = 1 << (bit & 31);
    const was = this.words[word];
    this.words[word] = was | mask;
    return (was & mask) === 0;
  }
}
