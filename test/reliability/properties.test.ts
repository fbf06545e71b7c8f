// Property-based tests (fast-check, fixed seeds): money survives parse ∘ format exactly for every ISO 4217
// exponent; any cell survives the CSV export and comes back; duplicate clusters do not depend on how the
// payments were split into files or in which order they were imported (the last two on each store).
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { currencyExponent, KNOWN_CURRENCIES } from '../../shared/currencies.js';
import { DEFAULT_FLAG_SETTINGS, PAYMENT_STATUSES, type Review } from '../../shared/domain.js';
import { formatMinor, formatMoney, parseDecimalMoney, parseMoneyIn } from '../../shared/money.js';
import { REVIEW_EXPORT_COLUMNS, reviewRows, toCsv } from '../../main/core/export-csv.js';
import { computeFlags } from '../../main/core/flags/index.js';
import { syncPaths } from '../../main/core/import/sync.js';
import { listReviews } from '../../main/core/reviews.js';
import { readInChunks } from '../support/csv-chunks.js';
import { LEDGER_HEADER, PAYMENTS_HEADER, tempDir } from '../support/db.js';
import { describeStores, freshStore, type StoreKind } from '../support/stores.js';

const SEED = 5_2026;
const EXPONENTS = [0, 2, 3, 4] as const;
const MAX = Number.MAX_SAFE_INTEGER;

describe('money: exact decimal ↔ minor units, never through a float', () => {
  it('parse(format(n)) = n for every safe integer and every exponent (0, 2, 3, 4)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...EXPONENTS), fc.maxSafeInteger(), (exponent, minor) => {
        const text = formatMinor(minor, exponent);
        expect(text).toMatch(exponent === 0 ? /^-?\d+$/ : new RegExp(`^-?\\d+\\.\\d{${exponent}}$`));
        expect(parseDecimalMoney(text, exponent)).toEqual({ ok: true, minor });
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it('round-trips through every ISO 4217 currency, with thousands separators as people write them', () => {
    expect(new Set(KNOWN_CURRENCIES.map((code) => currencyExponent(code)))).toEqual(new Set(EXPONENTS));
    fc.assert(
      fc.property(fc.constantFrom(...KNOWN_CURRENCIES), fc.maxSafeInteger(), (currency, minor) => {
        const grouped = formatMoney(minor, currency).replace(/ [A-Z]+$/, ''); // "1,234.56 USD" → "1,234.56"
        expect(parseMoneyIn(grouped, currency)).toEqual({ ok: true, minor });
        expect(parseMoneyIn(formatMinor(minor, currencyExponent(currency)!), currency.toUpperCase())).toEqual({ ok: true, minor });
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it('reads any decimal string exactly as integer arithmetic on its digits does, or says it is too large', () => {
    const digits = (max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 0, maxLength: max });
    fc.assert(
      fc.property(fc.constantFrom(...EXPONENTS), fc.boolean(), digits(18), digits(4), (exponent, negative, whole, fraction) => {
        fc.pre(whole !== '' || fraction !== '');
        const text = `${negative ? '-' : ''}${whole}${fraction === '' ? '' : '.' + fraction}`;
        const result = parseDecimalMoney(text, exponent);
        if (fraction.length > exponent) {
          expect(result).toEqual({ ok: false, reason: `more decimals than the currency allows (${exponent})` });
          return;
        }
        const exact = BigInt((whole || '0') + fraction.padEnd(exponent, '0')) * (negative ? -1n : 1n);
        if (exact > BigInt(MAX) || exact < -BigInt(MAX)) expect(result).toEqual({ ok: false, reason: 'amount too large' });
        else expect(result).toEqual({ ok: true, minor: Number(exact) });
      }),
      { seed: SEED, numRuns: 5000 },
    );
  });

  it.each([
    ['0.1', 10],
    ['0.2', 20],
    ['0.3', 30],
    ['0.29', 29], // 0.29 * 100 = 28.999999999999996 in floating point
    ['1.005', undefined],
    ['4.35', 435], // 4.35 * 100 = 434.99999999999994
    ['1,234.56', 123456],
    ['1,000,000.01', 100000001],
    ['90071992547409.91', 9007199254740991], // 2^53 - 1 cents: a float parse lands on ...0990 or ...0992
    ['90071992547409.92', undefined],
  ])('reads %s USD as %s cents (floats would not)', (text, cents) => {
    const result = parseMoneyIn(text, 'usd');
    expect(result).toEqual(cents === undefined ? { ok: false, reason: expect.any(String) } : { ok: true, minor: cents });
  });

  it('formatting never rounds: every digit of the minor units shows, for any exponent', () => {
    fc.assert(
      fc.property(fc.constantFrom(...EXPONENTS), fc.maxSafeInteger(), (exponent, minor) => {
        expect(formatMinor(minor, exponent).replace(/[-.]/g, '').replace(/^0+(?=\d)/, '')).toBe(String(Math.abs(minor)));
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });
});

/** Characters that stress a CSV writer and a spreadsheet: quotes, delimiters, line breaks, formula starts. */
const TRICKY = ['"', ',', ';', '\r', '\n', '\r\n', '=', '+', '-', '@', '\t', '|', '%', "'", ' ', 'a', '1', '.', 'é', '😀', '\uFEFF', '\u2028'];
const cellText = fc.oneof(
  fc.string({ unit: fc.constantFrom(...TRICKY), maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.tuple(fc.constantFrom('=', '+', '-', '@', '\t', '\r', "'="), fc.string({ unit: 'grapheme', maxLength: 8 })).map(([start, rest]) => start + rest),
  fc.constantFrom('-5', '+3.25', '=1', '-0.80', '@@', "'", "'-5", '=HYPERLINK("http://x","y")'),
);

/** What a spreadsheet must not run: text starting like a formula (a plain signed number is left alone). */
const looksLikeFormula = (cell: string) => /^[=+\-@\t\r\n|%]/.test(cell) && !/^[\s\S]\d+(\.\d+)?$/.test(cell);
/** Text that already looks neutralised gets one more apostrophe, so reading it back can always remove one. */
const looksNeutralised = (cell: string) => /^'+[=+\-@\t\r\n|%]/.test(cell);

describe('CSV export: any cell survives, formulas are neutralised', () => {
  it('toCsv → Papa Parse gives back every cell; formula-like text gains exactly one leading apostrophe', () => {
    const columns = ['first', 'second', 'third'];
    fc.assert(
      fc.property(fc.array(fc.tuple(cellText, cellText, cellText), { maxLength: 6 }), (rows) => {
        const csv = toCsv(
          rows.map(([first, second, third]) => ({ first, second, third })),
          columns,
        );
        expect(csv.endsWith('\r\n')).toBe(true);
        const parsed = Papa.parse<string[]>(csv.slice(0, -2), { delimiter: ',', newline: '\r\n' });
        expect(parsed.errors).toEqual([]);
        expect(parsed.data[0]).toEqual(columns);
        const expected = rows.map((row) => row.map((cell) => (looksLikeFormula(cell) || looksNeutralised(cell) ? `'${cell}` : cell)));
        expect(parsed.data.slice(1)).toEqual(expected);
        for (const row of parsed.data.slice(1)) for (const cell of row) expect(looksLikeFormula(cell)).toBe(false);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

});

describeStores('CSV export: reviews exported and imported elsewhere', (kind) => {
  it('review decisions exported as CSV and imported elsewhere come back unchanged (cells are trimmed on import)', async () => {
    // A NUL makes any file "binary data" to the importer (by design), so it stays out of these texts.
    const text = cellText.map((cell) => cell.replace(/\0/g, '').trim());
    const review = fc.record({
      key: text.filter((key) => key !== ''),
      note: text,
      reviewer: text.filter((reviewer) => reviewer !== ''),
      decidedAt: fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }).map((ms) => new Date(ms).toISOString()),
    });
    const dir = tempDir();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(review, { selector: (r) => r.key, minLength: 1, maxLength: 5 }), async (drafts) => {
        const reviews: Review[] = drafts.map((r) => ({ ...r, kind: 'limited', decision: 'contacted' }));
        const file = path.join(dir, `reviews-${++run}.csv`);
        fs.writeFileSync(file, toCsv(reviewRows(reviews), REVIEW_EXPORT_COLUMNS));
        const fresh = await freshStore(kind);
        const db = fresh.store;
        try {
          const [report] = await syncPaths(db, [file]);
          expect(report).toMatchObject({ status: 'imported', format: 'reviews', inserted: reviews.length, rejected: 0 });
          const byKey = (a: Review, b: Review) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
          expect((await listReviews(db)).sort(byKey)).toEqual([...reviews].sort(byKey));
        } finally {
          await fresh.close();
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  }, 600_000); // a fresh database a run: on PostgreSQL each is a CREATE DATABASE (~0.4 s)
});

describe('the streaming CSV reader does not depend on where chunks end', () => {
  it('gives the same header, records, lines, raw text and errors for any split of the text', async () => {
    const body = fc.string({ unit: fc.constantFrom('"', '""', ',', '\r', '\n', '\r\n', 'a', 'b', ' ', 'é', '😀'), maxLength: 120 });
    const sizes = fc.array(fc.integer({ min: 1, max: 16 }), { minLength: 1, maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(body, sizes, async (text, chunkSizes) => {
        const csvText = `a,b,c\n${text}`;
        expect(await readInChunks(csvText, chunkSizes)).toEqual(await readInChunks(csvText));
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('reads lines without quotes (split by the reader itself) as Papa Parse reads them, on the line they start on', async () => {
    // Mostly plain lines, sometimes a quoted field: the reader switches between its own splitting and Papa's.
    const cell = fc.oneof(
      { weight: 8, arbitrary: fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\t', 'é', '😀', '\r'), maxLength: 6 }) },
      { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('a', ',', '\n', '\r\n', '""'), maxLength: 5 }).map((s) => `"${s}"`) },
    );
    const line = fc.array(cell, { minLength: 1, maxLength: 4 }).map((cells) => cells.join(','));
    const body = fc.tuple(fc.array(line, { maxLength: 12 }), fc.constantFrom('\n', '\r\n'), fc.boolean());
    await fc.assert(
      fc.asyncProperty(body, async ([lines, newline, trailingNewline]) => {
        const text = `a,b,c\n${lines.join(newline)}${trailingNewline ? newline : ''}`;
        const read = await readInChunks(text);
        const papa = Papa.parse<string[]>(text.slice('a,b,c\n'.length), { delimiter: ',', newline: '\n' });
        const expected = papa.data
          .map((fields) => fields.map((field, i) => (i === fields.length - 1 && field.endsWith('\r') ? field.slice(0, -1) : field)))
          .filter((fields) => !(fields.length === 1 && fields[0].trim() === ''));
        expect(read.error).toBeUndefined();
        expect(read.records.map((r) => r.fields)).toEqual(expected);
        const physical = text.split('\n');
        for (const record of read.records) expect(physical[record.line - 1].startsWith(record.raw.split('\n')[0].replace(/\r$/, ''))).toBe(true);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });
});

interface DraftPayment {
  id: string;
  account: string;
  currency: string;
  amount: string;
  status: string;
  minute: number;
  /** Minutes after the payment its credits arrived, or null when they never did. */
  creditedAfter: number | null;
}

const draftPayments = fc
  .array(
    fc.record({
      account: fc.constantFrom('acct_a', 'acct_b'),
      currency: fc.constantFrom('usd', 'usd', 'eur'),
      amount: fc.constantFrom('10.00', '25.00'),
      status: fc.constantFrom(...PAYMENT_STATUSES),
      minute: fc.integer({ min: 0, max: 240 }),
      creditedAfter: fc.option(fc.integer({ min: 0, max: 90 })),
    }),
    { minLength: 1, maxLength: 40, size: 'max' },
  )
  .map((payments) => payments.map((p, i): DraftPayment => ({ ...p, id: `pay_${String(i).padStart(3, '0')}` })));

const START = Date.UTC(2026, 2, 15, 8);
const at = (minute: number) => new Date(START + minute * 60_000).toISOString();
const paymentLine = (p: DraftPayment) => `${p.id},${p.account},${p.amount},${p.currency},${p.status},${at(p.minute)},,,,`;
const creditLine = (p: DraftPayment) => `le_${p.id},${p.account},credit_purchased,${p.amount},${p.currency},${at(p.minute + p.creditedAfter!)},${p.id}`;

/** Imports the payments as the given files (in that order) plus one ledger export, and lists the duplicate clusters. */
async function duplicatesAfterImporting(kind: StoreKind, dir: string, files: DraftPayment[][], ledgerPosition: number) {
  const written = files.map((payments, i) => {
    const file = path.join(dir, `payments-${i}.csv`);
    fs.writeFileSync(file, [PAYMENTS_HEADER, ...payments.map(paymentLine)].join('\n') + '\n');
    return file;
  });
  const ledger = path.join(dir, 'ledger.csv');
  const credited = files.flat().filter((p) => p.creditedAfter !== null);
  fs.writeFileSync(ledger, [LEDGER_HEADER, ...credited.sort((a, b) => a.id.localeCompare(b.id)).map(creditLine)].join('\n') + '\n');
  written.splice(Math.min(ledgerPosition, written.length), 0, ledger);
  const fresh = await freshStore(kind);
  const db = fresh.store;
  try {
    for (const file of written) {
      const [report] = await syncPaths(db, [file]);
      expect(report.status === 'imported' || report.status === 'skipped').toBe(true);
      expect(report.rejected).toBe(0);
    }
    return (await computeFlags(db, { settings: DEFAULT_FLAG_SETTINGS, asOf: at(24 * 60), only: 'duplicates' })).duplicates;
  } finally {
    await fresh.close();
  }
}

describeStores('duplicate clusters do not depend on how the payments arrived', (kind) => {
  it('the same clusters (keys, members, order, whilePending) whatever the order and the split into files', async () => {
    const arrival = fc.record({
      order: fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
      cuts: fc.array(fc.nat({ max: 40 }), { maxLength: 4 }),
      ledgerPosition: fc.nat({ max: 5 }),
    });
    let run = 0;
    let clustersSeen = 0;
    await fc.assert(
      fc.asyncProperty(draftPayments, arrival, async (payments, { order, cuts, ledgerPosition }) => {
        const dir = tempDir();
        const reference = await duplicatesAfterImporting(kind, path.join(dir), [payments], 1);
        const shuffled = payments.map((p, i) => [order[i], i, p] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, , p]) => p);
        const bounds = [...new Set([0, ...cuts.map((c) => Math.min(c, shuffled.length)), shuffled.length])].sort((a, b) => a - b);
        const files = bounds.slice(1).map((end, i) => shuffled.slice(bounds[i], end));
        const otherDir = path.join(dir, `split-${++run}`);
        fs.mkdirSync(otherDir);
        expect(await duplicatesAfterImporting(kind, otherDir, files, ledgerPosition)).toEqual(reference);
        clustersSeen += reference!.length;
      }),
      { seed: SEED, numRuns: 80 },
    );
    expect(clustersSeen).toBeGreaterThan(20); // the generator does produce clusters
  }, 600_000); // two fresh databases a run: on PostgreSQL each is a CREATE DATABASE (~0.4 s)
});
