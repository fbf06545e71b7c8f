// Writes a large seeded canonical export for benchmarks: N payments over N/5 accounts and 2N ledger entries
// (with `withLedger`). Payments carry a method (mostly card), refunds their amount and date, the odd dispute; a
// few in a thousand disagree with the ledger (credited twice, for another amount, while declined, refunds never
// reversed, credits for unknown payments). Usage as a script: node scripts/bench/write-exports.mjs OUT_DIR [PAYMENTS] [SEED]
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export function mulberry32(seedValue) {
  let seed = seedValue >>> 0;
  return () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A CSV file written `batch` lines at a time: push(line), then close(). */
export function lineWriter(file, header, batch = 5000) {
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, header + '\n');
  let lines = [];
  const flush = () => {
    fs.writeSync(fd, lines.join(''));
    lines = [];
  };
  return {
    push(line) {
      lines.push(line);
      if (lines.length >= batch) flush();
    },
    close() {
      flush();
      fs.closeSync(fd);
    },
  };
}

const METHODS = [['card', 0.9], ['us_bank_account', 0.97], ['sepa_debit', 1]];
/** How often the ledger gets a payment wrong, among the payments it can happen to. */
const MISMATCH_RATES = { twice: 0.001, amount: 0.0005, declined: 0.003, not_reversed: 0.005, unknown: 0.0002 };

export function writeBenchExports(outDir, paymentCount, seedValue = 1, withLedger = true) {
  // The ids, accounts, amounts and statuses come from `random` exactly as before the reconciliation columns;
  // methods, disputes and mismatches from `extra`.
  const random = mulberry32(seedValue);
  const extra = mulberry32(seedValue ^ 0x5eed);
  const int = (n) => Math.floor(random() * n);
  const pick = (table) => {
    const roll = extra();
    return table.find(([, upTo]) => roll < upTo)[0];
  };
  const END = Date.parse('2026-11-20T12:00:00Z');
  const YEAR = 365 * 24 * 3600 * 1000;
  const PACKS = [500, 1000, 2000, 5000, 10000];
  const STATUSES = ['succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded', 'failed', 'refunded', 'pending'];
  const accounts = Math.max(1, Math.floor(paymentCount / 5));
  const money = (cents) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
  const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');

  fs.mkdirSync(outDir, { recursive: true });
  const payments = lineWriter(
    path.join(outDir, 'payments.csv'),
    'payment_id,account_id,amount,currency,status,created_at,updated_at,invoice_id,email,description,' +
      'payment_method,amount_refunded,refunded_at,disputed_amount,dispute_status,disputed_at',
  );
  const ledger = lineWriter(withLedger ? path.join(outDir, 'ledger.csv') : '/dev/null', 'entry_id,account_id,type,amount,currency,created_at,payment_id', 10_000);
  let entry = 0;
  const ledgerRow = (account, type, cents, at, paymentId, currency = 'usd') => {
    entry++;
    ledger.push(`le_${String(entry).padStart(8, '0')},acct_${account},${type},${cents < 0 ? '-' : ''}${money(Math.abs(cents))},${currency},${iso(at)},${paymentId}\n`);
  };
  const mismatches = { twice: 0, amount: 0, declined: 0, not_reversed: 0, unknown: 0 };
  for (let i = 0; i < paymentCount; i++) {
    const account = int(accounts);
    const created = END - int(YEAR);
    const cents = PACKS[int(PACKS.length)];
    const status = STATUSES[int(STATUSES.length)];
    const id = `pay_${String(i).padStart(8, '0')}`;
    const method = pick(METHODS);
    const refundedAt = created + 86400000;
    const refunded = status === 'refunded' ? `${money(cents)},${iso(refundedAt)}` : ',';
    const disputed = status === 'succeeded' && extra() < 0.0005 ? `${money(cents)},${extra() < 0.5 ? 'won' : 'needs_response'},${iso(created + 7 * 86400000)}` : ',,';
    payments.push(
      `${id},acct_${account},${money(cents)},usd,${status},${iso(created)},,${status === 'failed' ? '' : `in_${i}`},user${account}@example.com,credit pack,` +
        `${method},${refunded},${disputed}\n`,
    );
    const wrong = (kind) => extra() < MISMATCH_RATES[kind] && ++mismatches[kind] > 0;
    if (status === 'succeeded' || status === 'refunded') {
      const creditedAt = created + 1000 + int(50000);
      if (status === 'succeeded' && wrong('amount')) {
        if (extra() < 0.5) ledgerRow(account, 'credit_purchased', cents / 2, creditedAt, id);
        else ledgerRow(account, 'credit_purchased', cents, creditedAt, id, 'eur');
      } else {
        ledgerRow(account, 'credit_purchased', cents, creditedAt, id);
      }
      if (wrong('twice')) ledgerRow(account, 'credit_purchased', cents, creditedAt + 60000, id);
    }
    if (status === 'failed' && wrong('declined')) ledgerRow(account, 'credit_purchased', cents, created + 30000, id);
    if (status === 'refunded' && !wrong('not_reversed')) ledgerRow(account, 'refund', -cents, refundedAt, id);
    if (wrong('unknown')) ledgerRow(account, 'credit_purchased', cents, created + 30000, `pay_x${String(i).padStart(8, '0')}`);
  }
  while (withLedger && entry < paymentCount * 2) {
    const account = int(accounts);
    const free = int(4) === 0;
    ledgerRow(account, free ? 'credit_free' : 'usage', free ? 500 : -(1 + int(200)), END - int(YEAR), '');
  }
  payments.close();
  ledger.close();
  return { payments: paymentCount, ledgerEntries: withLedger ? entry : 0, accounts, mismatches: withLedger ? mismatches : {} };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [outDir = '.bench', payments = '1000000', seed = '1'] = process.argv.slice(2);
  const written = writeBenchExports(outDir, Number(payments), Number(seed));
  console.log(`wrote ${written.payments} payments and ${written.ledgerEntries} ledger entries for ${written.accounts} accounts to ${outDir}`);
  console.log(`planted mismatches: ${JSON.stringify(written.mismatches)}`);
}
