// Writes bench exports shaped like real ones (issue 12): a Stripe Dashboard payments export ("unified payments",
// 25 of its columns, rows newest first as the Dashboard writes them) with `ch_`/`py_` ids, `pi_` PaymentIntent ids
// and `cus_` customers, all random; and a canonical ledger export whose credits and refunds name the `pi_` ids,
// with random entry ids. A realistic mix: mostly paid by card, some failed, refunded (whole or part), pending,
// canceled, the odd dispute, abandoned checkouts (no id) and test-mode rows; a few in a thousand payments disagree
// with the ledger, as in write-exports.mjs. Same seed, same files.
// Usage as a script: node scripts/bench/write-stripe-exports.mjs OUT_DIR [PAYMENTS] [SEED]
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { lineWriter, mulberry32 } from './write-exports.mjs';

export const STRIPE_HEADER = [
  'id', 'Description', 'Seller Message', 'Created date (UTC)', 'Amount', 'Amount Refunded', 'Currency', 'Converted Amount',
  'Converted Amount Refunded', 'Fee', 'Converted Currency', 'Mode', 'Status', 'Customer ID', 'Customer Email', 'Captured',
  'Card ID', 'Invoice ID', 'PaymentIntent ID', 'Payment Source Type', 'Refunded date (UTC)', 'Disputed Amount',
  'Dispute Status', 'Dispute Date (UTC)', 'account_id (metadata)',
];
export const LEDGER_HEADER = 'entry_id,account_id,type,amount,currency,created_at,payment_id';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Cumulative odds: [value, up to]. */
const STATUSES = [['Paid', 0.84], ['Failed', 0.92], ['Refunded', 0.955], ['partial', 0.965], ['Pending', 0.985], ['Canceled', 0.995], ['abandoned', 1]];
const METHODS = [['card', 0.88], ['us_bank_account', 0.95], ['sepa_debit', 0.98], ['link', 1]];
const PACKS = [500, 1000, 2000, 5000, 10000];
const MISMATCH_RATES = { twice: 0.001, amount: 0.0005, declined: 0.003, not_reversed: 0.005, unknown: 0.0002 };
const TEST_MODE_RATE = 0.002;

export function writeStripeBenchExports(outDir, paymentCount, seedValue = 1, withLedger = true) {
  const random = mulberry32(seedValue);
  const int = (n) => Math.floor(random() * n);
  const pick = (table) => {
    const roll = random();
    return table.find(([, upTo]) => roll < upTo)[0];
  };
  const token = (prefix, length = 24) => {
    let s = prefix;
    for (let i = 0; i < length; i++) s += ALPHABET[int(ALPHABET.length)];
    return s;
  };
  const END = Date.parse('2026-11-20T12:00:00Z');
  const YEAR = 365 * 24 * 3600 * 1000;
  const accounts = Math.max(1, Math.floor(paymentCount / 5));
  const accountIds = Array.from({ length: accounts }, () => token('acct_', 16));
  const customerIds = accountIds.map(() => token('cus_', 14));
  const money = (cents) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
  const stripeTime = (ms) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
  const iso = (ms) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

  fs.mkdirSync(outDir, { recursive: true });
  const payments = lineWriter(path.join(outDir, 'payments.csv'), STRIPE_HEADER.join(','));
  const ledger = lineWriter(withLedger ? path.join(outDir, 'ledger.csv') : '/dev/null', LEDGER_HEADER, 10_000);
  let entries = 0;
  const ledgerRow = (account, type, cents, at, paymentId, currency = 'usd') => {
    entries++;
    ledger.push(`${token('le_')},${accountIds[account]},${type},${cents < 0 ? '-' : ''}${money(Math.abs(cents))},${currency},${iso(at)},${paymentId}\n`);
  };
  // Usage and free credits spread over the payments, so that the ledger too is newest first.
  const otherEntries = withLedger ? paymentCount * 2 - Math.round(paymentCount * 0.9) : 0;
  const mismatches = { twice: 0, amount: 0, declined: 0, not_reversed: 0, unknown: 0 };
  const wrong = (kind) => random() < MISMATCH_RATES[kind] && ++mismatches[kind] > 0;
  let created = END;
  let othersWritten = 0;
  for (let i = 0; i < paymentCount; i++) {
    created -= 1000 * Math.floor(random() * ((2 * YEAR) / paymentCount / 1000));
    const account = int(accounts);
    const cents = PACKS[int(PACKS.length)];
    const kind = pick(STATUSES);
    const method = pick(METHODS);
    const intent = token('pi_3', 23);
    const id = kind === 'abandoned' ? '' : token(method === 'card' || method === 'link' ? 'ch_3' : 'py_3', 23);
    const status = kind === 'partial' ? 'Paid' : kind === 'abandoned' ? 'Canceled' : kind;
    const refundedCents = kind === 'Refunded' ? cents : kind === 'partial' ? cents / 2 : 0;
    const refundedAt = created + 86_400_000;
    const disputed = status === 'Paid' && random() < 0.0005;
    const paid = status === 'Paid' || status === 'Refunded';
    const fee = paid ? Math.round(cents * 0.029) + 30 : 0;
    const mode = random() < TEST_MODE_RATE ? 'Test' : 'Live';
    payments.push(
      [
        id, 'Credit pack', paid ? 'Payment complete.' : status === 'Failed' ? 'The bank did not return any further details with this decline.' : '',
        stripeTime(created), money(cents), money(refundedCents), 'usd', money(cents), money(refundedCents), money(fee), 'usd', mode, status,
        customerIds[account], `customer${account}@example.com`, paid ? 'true' : 'false', method === 'card' ? token('pm_1') : '',
        status === 'Failed' || id === '' ? '' : token('in_1'), intent, method, refundedCents ? stripeTime(refundedAt) : '',
        disputed ? money(cents) : '', disputed ? (random() < 0.5 ? 'won' : 'needs_response') : '', disputed ? stripeTime(created + 7 * 86_400_000) : '',
        accountIds[account],
      ].join(',') + '\n',
    );
    if (withLedger && id !== '' && mode === 'Live') {
      if (paid) {
        const creditedAt = created + 1000 + int(50_000);
        if (status === 'Paid' && wrong('amount')) ledgerRow(account, 'credit_purchased', random() < 0.5 ? cents / 2 : cents, creditedAt, intent, random() < 0.5 ? 'usd' : 'eur');
        else ledgerRow(account, 'credit_purchased', cents, creditedAt, intent);
        if (wrong('twice')) ledgerRow(account, 'credit_purchased', cents, creditedAt + 60_000, intent);
      }
      if (status === 'Failed' && wrong('declined')) ledgerRow(account, 'credit_purchased', cents, created + 30_000, intent);
      if (refundedCents && !wrong('not_reversed')) ledgerRow(account, 'refund', -refundedCents, refundedAt, intent);
      if (wrong('unknown')) ledgerRow(account, 'credit_purchased', cents, created + 30_000, token('pi_3', 23));
    }
    // Usage and free credits between the payments, keeping the ledger about twice the payments' length.
    for (const due = Math.round(((i + 1) * otherEntries) / paymentCount); othersWritten < due; othersWritten++) {
      const free = int(4) === 0;
      ledgerRow(int(accounts), free ? 'credit_free' : 'usage', free ? 500 : -(1 + int(200)), created - int(60_000), '');
    }
  }
  payments.close();
  ledger.close();
  return { payments: paymentCount, ledgerEntries: entries, accounts, mismatches: withLedger ? mismatches : {} };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [outDir = '.bench', payments = '1000000', seed = '1'] = process.argv.slice(2);
  const written = writeStripeBenchExports(outDir, Number(payments), Number(seed));
  console.log(`wrote ${written.payments} payments and ${written.ledgerEntries} ledger entries for ${written.accounts} accounts to ${outDir}`);
  console.log(`planted mismatches: ${JSON.stringify(written.mismatches)}`);
}
