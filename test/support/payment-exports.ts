// Seeded canonical exports of any size, written in batches so that a 300,000-row file costs little memory.
import fs from 'node:fs';
import { currencyExponent } from '../../shared/currencies.js';
import type { PaymentStatus } from '../../shared/domain.js';
import { formatMinor } from '../../shared/money.js';
import { createRandom } from '../../main/core/demo/random.js';
import { LEDGER_HEADER, PAYMENTS_HEADER } from './db.js';

export interface GeneratedPayment {
  id: string;
  accountId: string;
  amountCents: number;
  currency: string;
  status: PaymentStatus;
  createdAt: number;
  updatedAt: number;
  invoiceId: string;
  email: string;
  description: string;
}

export interface PaymentGeneration {
  seed: number;
  count: number;
  accounts?: number;
  /** When the first payment was made; the rest follow over `spanDays`. */
  startAt?: number;
  spanDays?: number;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const STATUSES: readonly (readonly [PaymentStatus, number])[] = [
  ['succeeded', 80],
  ['pending', 5],
  ['processing', 3],
  ['failed', 5],
  ['canceled', 2],
  ['refunded', 2],
  ['partially_refunded', 1],
  ['incomplete', 2],
];
const CURRENCIES: readonly (readonly [string, number])[] = [
  ['usd', 85],
  ['eur', 10],
  ['jpy', 5],
];
const PACKS_MAJOR = [5, 10, 20, 25, 50, 100];
// Free text as processors export it: commas, quotes and line breaks inside quoted fields.
const DESCRIPTIONS = ['Credit pack', 'Credits, 10 pack', 'Pack "Pro"', 'Top-up\nfrom the dashboard', '', 'Auto-recharge'];

/** Payments in creation order; about 3% repeat the previous purchase minutes later (duplicate clusters). */
export function* generatePayments(options: PaymentGeneration): Generator<GeneratedPayment> {
  const rng = createRandom(options.seed);
  const accounts = options.accounts ?? Math.max(10, Math.floor(options.count / 20));
  const startAt = options.startAt ?? Date.UTC(2026, 1, 1);
  const step = ((options.spanDays ?? 30) * DAY) / options.count;
  let previous: GeneratedPayment | undefined;
  for (let i = 0; i < options.count; i++) {
    const createdAt = Math.floor(startAt + i * step);
    const repeat = previous !== undefined && rng.chance(0.03);
    const account = repeat ? previous!.accountId : `acct_${String(rng.int(1, accounts)).padStart(6, '0')}`;
    const currency = repeat ? previous!.currency : rng.weighted(CURRENCIES);
    const exponent = currencyExponent(currency) ?? 2;
    const amountCents = repeat
      ? previous!.amountCents
      : rng.chance(0.8)
        ? rng.pick(PACKS_MAJOR) * 10 ** exponent * (currency === 'jpy' ? 150 : 1)
        : rng.int(1, 500_000);
    const status = rng.weighted(STATUSES);
    const payment: GeneratedPayment = {
      id: `pay_${String(i + 1).padStart(7, '0')}`,
      accountId: account,
      amountCents,
      currency,
      status,
      createdAt,
      updatedAt: createdAt + rng.int(1, 120) * MINUTE,
      invoiceId: status === 'succeeded' ? `in_${rng.token(12)}` : '',
      email: `${account.replace('acct_', 'user')}@example.com`,
      description: rng.pick(DESCRIPTIONS),
    };
    previous = payment;
    yield payment;
  }
}

/** The same payment as an older export showed it: still pending, not updated since it was created. */
export function earlierSnapshot(payment: GeneratedPayment): GeneratedPayment {
  return { ...payment, status: 'pending', updatedAt: payment.createdAt, invoiceId: '' };
}

const iso = (ms: number) => new Date(ms).toISOString();
const quoted = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

export function paymentCsvLine(p: GeneratedPayment): string {
  const amount = formatMinor(p.amountCents, currencyExponent(p.currency) ?? 2);
  return [p.id, p.accountId, amount, p.currency, p.status, iso(p.createdAt), iso(p.updatedAt), p.invoiceId, p.email, quoted(p.description)].join(',');
}

/** Writes a canonical payments export; returns its row count and size. */
export function writePaymentsExport(file: string, payments: Iterable<GeneratedPayment>): { rows: number; bytes: number } {
  return writeLines(file, PAYMENTS_HEADER, payments, paymentCsvLine);
}

/** A canonical ledger export that credits the succeeded payments among `payments` and grants free credit to their accounts. */
export function writeCreditsExport(file: string, payments: Iterable<GeneratedPayment>): { rows: number; bytes: number } {
  let entry = 0;
  const lines = function* () {
    const granted = new Set<string>();
    for (const p of payments) {
      if (!granted.has(p.accountId)) {
        granted.add(p.accountId);
        yield `le_${String(++entry).padStart(7, '0')},${p.accountId},credit_free,5.00,usd,${iso(p.createdAt - DAY)},`;
      }
      if (p.status !== 'succeeded') continue;
      const amount = formatMinor(p.amountCents, currencyExponent(p.currency) ?? 2);
      yield `le_${String(++entry).padStart(7, '0')},${p.accountId},credit_purchased,${amount},${p.currency},${iso(p.updatedAt + MINUTE)},${p.id}`;
    }
  };
  return writeLines(file, LEDGER_HEADER, lines(), (line) => line);
}

function writeLines<T>(file: string, header: string, items: Iterable<T>, toLine: (item: T) => string): { rows: number; bytes: number } {
  const fd = fs.openSync(file, 'w');
  let rows = 0;
  let bytes = 0;
  let batch: string[] = [header];
  const flush = () => {
    const text = batch.join('\n') + '\n';
    bytes += fs.writeSync(fd, text);
    batch = [];
  };
  try {
    for (const item of items) {
      batch.push(toLine(item));
      rows++;
      if (batch.length >= 5000) flush();
    }
    flush();
  } finally {
    fs.closeSync(fd);
  }
  return { rows, bytes };
}
