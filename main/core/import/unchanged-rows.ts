// Recognises payment rows of a snapshot that the database already holds byte for byte, so they are counted as
// unchanged without being read (money, times, status) or looked up. A row qualifies when the hash of its text,
// seeded with the file's column layout, is the hash stored with a payment: that payment's values were read
// from this very text, so reading it again would compare equal on every value, which is "unchanged"
// (formats.md "Re-imports"). One exception, handled here: an earlier row of the same file may already have
// replaced that payment, and then this row must be compared with what replaced it, so a row whose id may have
// occurred earlier in the file is read in full.
import type { SourceRecord } from './csv-records.js';
import { hashBytesTo, hashTextTo, hashUtf8To, layoutSeed, type RowHash } from './row-hash.js';
import type { RowHashSet } from './row-hash-set.js';

/** Bump when a change to reading rows could read the same text into different values than before. */
// 2: payments read their method, refunds and disputes (migration 0007); rows stored before hold none of them.
const READ_RULES_VERSION = 2;

/**
 * Ids of the rows read in full so far, as a two-hash Bloom filter of 2^24 bits (2 MB whatever the file): a
 * false "maybe" only sends a row down the full path. 10,000 ids give one false "maybe" in 700,000 rows.
 */
const ID_FILTER_BITS = 1 << 24;
const ID_SEED: RowHash = { hi: 0x6a09e667, lo: 0x3c6ef372 };

/** What a payments reader tells about its rows, for recognising unchanged ones. */
export interface PaymentRowLayout {
  /** Everything besides a row's text that decides what the row reads as (format, columns, delimiter). */
  layout: string;
  /** The column of the payment id. */
  idColumn: number;
}

export class UnchangedRows {
  private readonly seed: RowHash;
  private readInFull: Uint32Array | undefined;
  /**
   * In the later part of a file read in two parts at once (parse-in-worker.ts): the ids of the rows called stored
   * before the earlier part's ids are known, [hi, lo] each, checked against them in `takeEarlierPart`.
   */
  private unconfirmed: Int32Array | undefined;
  private unconfirmedLength = 0;
  /** The hash of the row `isStored` looked at last, [hi, lo]. */
  private readonly rowHash = new Int32Array(2);
  /** The hash of an id, [hi, lo]. */
  private readonly idHash = new Int32Array(2);
  /** Where the id lies in a row's text, [start, end). */
  private readonly idRange = new Int32Array(2);

  constructor(
    private readonly payments: PaymentRowLayout,
    delimiter: string,
    private readonly stored: RowHashSet | undefined,
  ) {
    this.seed = layoutSeed(`${READ_RULES_VERSION}\n${delimiter}\n${payments.layout}`);
  }

  /**
   * Whether a row is stored as it is. It hashes the row's source text, as UTF-8 bytes; `lastRowHash` gives that
   * hash for a row read in full. Nothing is allocated here: nearly every row of a snapshot ends here.
   */
  isStored(record: SourceRecord): boolean {
    const hash = this.rowHash;
    if (record.bytes) hashBytesTo(hash, record.bytes, this.seed, record.start, record.end);
    else hashUtf8To(hash, record.text, this.seed, record.start, record.end);
    if (this.stored === undefined || !this.stored.hasHash(hash[0], hash[1])) return false;
    if (this.readInFull === undefined && this.unconfirmed === undefined) return true;
    this.hashId(record);
    const id = this.idHash;
    if (this.readInFull !== undefined && isSet(this.readInFull, id[0]) && isSet(this.readInFull, id[1])) return false;
    if (this.unconfirmed !== undefined) this.confirmLater(id[0], id[1]);
    return true;
  }

  /** The hash of the row `isStored` was last called with. */
  lastRowHash(): RowHash {
    return { hi: this.rowHash[0], lo: this.rowHash[1] };
  }

  /**
   * The id as the reader reads it (formats/columns.ts cell(): the field, trimmed), hashed into idHash: where it
   * lies in the record's text when, trimmed of ASCII white space, it starts and ends with ASCII; from the trimmed
   * field otherwise (String.prototype.trim also removes Unicode spaces).
   */
  private hashId(record: SourceRecord): void {
    const range = this.idRange;
    if (record.fieldRange?.(this.payments.idColumn, range)) {
      let start = range[0];
      let end = range[1];
      const text = record.text;
      while (start < end && isAsciiSpace(text.charCodeAt(start))) start++;
      while (end > start && isAsciiSpace(text.charCodeAt(end - 1))) end--;
      if (start === end || (text.charCodeAt(start) < 128 && text.charCodeAt(end - 1) < 128)) {
        hashTextTo(this.idHash, text, ID_SEED, start, end);
        return;
      }
    }
    hashTextTo(this.idHash, record.field(this.payments.idColumn)?.trim() ?? '', ID_SEED);
  }

  private confirmLater(hi: number, lo: number): void {
    let ids = this.unconfirmed!;
    if (this.unconfirmedLength + 2 > ids.length) {
      ids = new Int32Array(ids.length * 2);
      ids.set(this.unconfirmed!);
      this.unconfirmed = ids;
    }
    ids[this.unconfirmedLength++] = hi;
    ids[this.unconfirmedLength++] = lo;
  }

  /** The ids read in full so far (undefined when none), for the later part of the file (`takeEarlierPart`). */
  idsReadInFull(): Uint32Array | undefined {
    return this.readInFull;
  }

  /** For the later part of a file: its rows are read before the earlier part's, whose ids `takeEarlierPart` brings. */
  awaitEarlierPart(): void {
    if (this.stored !== undefined) this.unconfirmed = new Int32Array(1 << 16);
    this.unconfirmedLength = 0;
  }

  /**
   * The ids the earlier part of the file read in full. False when a row this part called stored has one of
   * them: that row must be read in full after all, and the part read again from its start with these ids.
   */
  takeEarlierPart(earlier: Uint32Array | undefined): boolean {
    const unconfirmed = this.unconfirmed?.subarray(0, this.unconfirmedLength) ?? new Int32Array(0);
    this.unconfirmed = undefined;
    if (earlier === undefined || this.stored === undefined) return true;
    for (let i = 0; i < unconfirmed.length; i += 2) {
      if (isSet(earlier, unconfirmed[i]) && isSet(earlier, unconfirmed[i + 1])) return false;
    }
    this.readInFull ??= new Uint32Array(ID_FILTER_BITS / 32);
    for (let i = 0; i < earlier.length; i++) this.readInFull[i] |= earlier[i];
    return true;
  }

  /** Records a payment row read in full: later rows with its id must be too. */
  readPayment(id: string): void {
    if (this.stored === undefined) return;
    this.readInFull ??= new Uint32Array(ID_FILTER_BITS / 32);
    hashTextTo(this.idHash, id, ID_SEED);
    set(this.readInFull, this.idHash[0]);
    set(this.readInFull, this.idHash[1]);
  }
}

const bit = (value: number) => 1 << (value & 31);
const word = (value: number) => (value >>> 5) & (ID_FILTER_BITS / 32 - 1);
const isSet = (bits: Uint32Array, value: number) => (bits[word(value)] & bit(value)) !== 0;
const set = (bits: Uint32Array, value: number) => {
  bits[word(value)] |= bit(value);
};
/** The characters String.prototype.trim removes that are ASCII: tab, line feed, vertical tab, form feed, CR, space. */
const isAsciiSpace = (code: number) => code === 32 || (code >= 9 && code <= 13);
