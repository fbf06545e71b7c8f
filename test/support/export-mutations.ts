// Valid sample exports of every format, and fast-check arbitraries that damage them the way files get damaged:
// flipped bits, stray quotes, line breaks, NULs and delimiters, cut-offs, repeated spans, gzip of the result.
import zlib from 'node:zlib';
import fc from 'fast-check';

export interface ExportSample {
  name: string;
  /** The file name, which decides JSON Lines vs CSV. */
  fileName: string;
  text: string;
}

export const PAYMENTS_SAMPLE: ExportSample = {
  name: 'canonical payments',
  fileName: 'payments.csv',
  text: [
    'payment_id,account_id,amount,currency,status,created_at,updated_at,invoice_id,email,description',
    'pay_1,acct_1,10.00,usd,succeeded,2026-03-15T10:00:00Z,,in_1,a@example.com,Credit pack',
    'pay_2,acct_1,10.00,usd,pending,2026-03-15T10:05:00Z,,,a@example.com,"Pack, ""Pro"""',
    'pay_3,acct_2,25.00,eur,processing,2026-03-15 10:10,,,b@example.com,"two',
    'lines"',
    'pay_4,acct_2,"1,234.56",usd,refunded,2026-03-15T10:15:00+02:00,2026-03-15T11:00:00Z,in_4,b@example.com,',
    'pay_5,acct_3,1500,jpy,failed,2026-03-15T10:20:00.123Z,,,c@example.com,Top-up',
    'pay_6,acct_3,1.250,bhd,partially_refunded,2026-03-15T10:25:00Z,,,c@example.com,',
    'pay_7,acct_4,5,usd,incomplete,2026-03-15T10:30:00Z,,,,',
    'pay_8,acct_4,5.00,USD,canceled,2026-03-15T10:35:00Z,,,,',
  ].join('\n') + '\n',
};

export const LEDGER_SAMPLE: ExportSample = {
  name: 'canonical ledger',
  fileName: 'ledger.csv',
  text: [
    'entry_id,account_id,type,amount,currency,created_at,payment_id',
    'le_1,acct_1,credit_free,5.00,usd,2026-03-01T00:00:00Z,',
    'le_2,acct_1,credit_purchased,10.00,usd,2026-03-15T10:01:00Z,pay_1',
    'le_3,acct_1,usage,-0.80,usd,2026-03-15T12:00:00Z,',
    'le_4,acct_2,refund,-25.00,eur,2026-03-16T00:00:00Z,pay_4',
    'le_5,acct_3,adjustment,-1.00,usd,2026-03-16T00:00:00Z,',
    'le_6,acct_3,credit_purchased,1500,jpy,2026-03-15T10:21:00Z,pay_5',
  ].join('\r\n') + '\r\n',
};

export const STRIPE_SAMPLE: ExportSample = {
  name: 'Stripe unified payments',
  fileName: 'unified_payments.csv',
  text: [
    'id,Created date (UTC),Amount,Amount Refunded,Currency,Captured,Status,Customer ID,Customer Email,PaymentIntent ID,Invoice ID,Description,account_id (metadata)',
    'ch_1,2026-03-15 10:00:00,10.00,0.00,usd,true,Paid,cus_1,a@example.com,pi_1,in_1,Credit pack,acct_1',
    'ch_2,2026-03-15 10:05,25.00,5.00,usd,true,Paid,cus_2,b@example.com,pi_2,,"Pack, pro",',
    ',2026-03-15 10:06:00,25.00,0.00,usd,false,requires_payment_method,cus_2,b@example.com,pi_3,,,',
    'py_4,2026-03-15 10:07:00,25.00,0.00,usd,true,Pending,,c@example.com,pi_4,,ACH debit,',
    'ch_5,2026-03-15 10:08:00,1000,0,jpy,false,Failed,cus_5,,pi_5,,,',
  ].join('\n') + '\n',
};

export const JSON_LINES_SAMPLE: ExportSample = {
  name: 'JSON Lines',
  fileName: 'export.jsonl',
  text:
    [
      { kind: 'payment', payment_id: 'pay_j1', account_id: 'acct_1', amount: '10.00', currency: 'usd', status: 'succeeded', created_at: '2026-03-15T10:00:00Z' },
      { kind: 'payment', payment_id: 'pay_j2', account_id: 'acct_1', amount_cents: 1000, currency: 'usd', status: 'pending', created_at: '2026-03-15T10:05:00Z', description: 'with "quotes", commas\nand a newline' },
      { kind: 'ledger', entry_id: 'le_j1', account_id: 'acct_1', type: 'credit_purchased', amount: 10, currency: 'usd', created_at: '2026-03-15T10:01:00Z', payment_id: 'pay_j1' },
      { kind: 'ledger', entry_id: 'le_j2', account_id: 'acct_1', type: 'usage', amount_cents: -50, currency: 'usd', created_at: '2026-03-15T11:00:00Z' },
    ]
      .map((line) => JSON.stringify(line))
      .join('\n') + '\n',
};

export const REVIEWS_SAMPLE: ExportSample = {
  name: 'review decisions',
  fileName: 'reviews.csv',
  text: [
    'kind,key,decision,note,reviewer,decided_at',
    'duplicates,pay_1|pay_2,refund_needed,"\'=SUM(A1) asked twice",finance-1,2026-03-16T09:00:00.000Z',
    'stuck,pay_3,escalated,,finance-2,2026-03-16T09:30:00.000Z',
    'limited,acct_3,contacted,"emailed, no reply",support-1,2026-03-16T10:00:00.000Z',
  ].join('\r\n') + '\r\n',
};

export const EXPORT_SAMPLES = [PAYMENTS_SAMPLE, LEDGER_SAMPLE, STRIPE_SAMPLE, JSON_LINES_SAMPLE, REVIEWS_SAMPLE];

/** What imported before the damaged file: older snapshots of some payments, and part of the same ledger. */
export const PRIOR_STATE: ExportSample[] = [
  { name: 'older payments', fileName: 'older-payments.csv', text: PAYMENTS_SAMPLE.text.split('\n').slice(0, 3).join('\n').replace(/succeeded/g, 'pending') + '\n' },
  { name: 'older ledger', fileName: 'older-ledger.csv', text: LEDGER_SAMPLE.text.split('\r\n').slice(0, 4).join('\r\n') + '\r\n' },
];

export type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'insert'; at: number; bytes: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'duplicate'; from: number; length: number; to: number };

/** Inserted byte sequences (latin1 strings): CSV syntax, line ends, NUL, a BOM, and broken UTF-8. */
const INSERTS = ['"', '""', '\n', '\r', '\r\n', '\0', ',', ';', '\t', '|', '\xef\xbb\xbf', '\xff', '\xc3', '\xe2\x82', '{', '}', '\\'];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.constantFrom(...INSERTS) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), from: fc.nat(), length: fc.integer({ min: 1, max: 200 }), to: fc.nat() }),
);

export function applyMutation(bytes: Buffer, m: Mutation): Buffer {
  const at = (n: number) => n % (bytes.length + 1);
  switch (m.kind) {
    case 'flip': {
      if (bytes.length === 0) return bytes;
      const copy = Buffer.from(bytes);
      copy[m.at % bytes.length] ^= 1 << m.bit;
      return copy;
    }
    case 'insert':
      return Buffer.concat([bytes.subarray(0, at(m.at)), Buffer.from(m.bytes, 'latin1'), bytes.subarray(at(m.at))]);
    case 'delete':
      return Buffer.concat([bytes.subarray(0, at(m.at)), bytes.subarray(at(m.at) + m.length)]);
    case 'truncate':
      return bytes.subarray(0, at(m.at));
    case 'duplicate': {
      const span = bytes.subarray(at(m.from), at(m.from) + m.length);
      return Buffer.concat([bytes.subarray(0, at(m.to)), span, bytes.subarray(at(m.to))]);
    }
  }
}

export type Wrapping = 'none' | 'gzip' | 'gzip cut short';

export interface DamagedExport {
  /** How it was made, for the failure message. */
  story: string;
  fileName: string;
  bytes: Buffer;
}

function wrap(bytes: Buffer, wrapping: Wrapping, cut: number): Buffer {
  if (wrapping === 'none') return bytes;
  const gz = zlib.gzipSync(bytes);
  return wrapping === 'gzip' ? gz : gz.subarray(0, cut % gz.length);
}

const wrapping = fc.constantFrom<Wrapping>('none', 'none', 'none', 'none', 'gzip', 'gzip cut short');

/** A valid sample with 1 to 4 mutations, sometimes gzipped (and the gzip sometimes cut short). */
const mutatedSample: fc.Arbitrary<DamagedExport> = fc
  .tuple(fc.constantFrom(...EXPORT_SAMPLES), fc.array(mutation, { minLength: 1, maxLength: 4 }), wrapping, fc.nat())
  .map(([sample, mutations, wrapped, cut]) => ({
    story: `${sample.name} + ${JSON.stringify(mutations)}, ${wrapped}`,
    fileName: wrapped === 'none' ? sample.fileName : `${sample.fileName}.gz`,
    bytes: wrap(mutations.reduce(applyMutation, Buffer.from(sample.text, 'utf8')), wrapped, cut),
  }));

/** Bytes with no structure at all. */
const randomBytes: fc.Arbitrary<DamagedExport> = fc
  .tuple(fc.uint8Array({ maxLength: 3000 }), fc.constantFrom('random.csv', 'random.jsonl'))
  .map(([bytes, fileName]) => ({ story: 'random bytes', fileName, bytes: Buffer.from(bytes) }));

/** A recognised header over arbitrary text: the record reader and the row readers see anything. */
const randomBody: fc.Arbitrary<DamagedExport> = fc
  .tuple(fc.constantFrom(PAYMENTS_SAMPLE, LEDGER_SAMPLE, STRIPE_SAMPLE), fc.string({ unit: 'binary', maxLength: 2000 }))
  .map(([sample, body]) => ({
    story: `${sample.name} header + random text`,
    fileName: sample.fileName,
    bytes: Buffer.from(sample.text.split(/\r?\n/)[0] + '\n' + body, 'utf8'),
  }));

export const damagedExport: fc.Arbitrary<DamagedExport> = fc.oneof(
  { weight: 8, arbitrary: mutatedSample },
  { weight: 1, arbitrary: randomBytes },
  { weight: 1, arbitrary: randomBody },
);
