// Seeded demo exports: a canonical payments export, a credit ledger and a small Stripe Dashboard export, with
// known cases planted for each flag (and near misses that must not be flagged). Pure Node: no Electron here.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LEDGER_HEADER, PAYMENTS_HEADER, DemoIds, writeCanonicalAccounts, type PlantedDraft } from './canonical-export.js';
import { LineSink } from './line-sink.js';
import { canonicalPlantSpecs, type PlantedKind } from './planted-cases.js';
import { createRandom } from './random.js';
import { STRIPE_HEADER, writeStripeAccounts } from './stripe-export.js';
import { monthsBefore } from './time.js';

export type { PlantedKind } from './planted-cases.js';

export interface DemoOptions {
  seed: number;
  /** Accounts in the canonical payments export, planted ones included; the Stripe export has its own few. */
  accounts: number;
  months: number;
  /** UTC; the newest timestamp in the data (whole seconds). */
  endAt: Date;
}

export interface PlantedCase {
  kind: PlantedKind;
  accountId: string;
  paymentIds: string[];
  note: string;
}

export interface DemoResult {
  files: { payments: string; ledger: string; stripePayments: string };
  planted: PlantedCase[];
  counts: { payments: number; ledgerEntries: number; stripeRows: number };
}

export const DEFAULT_DEMO_OPTIONS: DemoOptions = Object.freeze({
  seed: 42,
  accounts: 3000,
  months: 6,
  endAt: new Date('2026-11-20T12:00:00Z'),
});

export async function writeDemoExports(outDir: string, opts: Partial<DemoOptions> = {}): Promise<DemoResult> {
  const options = resolveOptions(opts);
  await mkdir(outDir, { recursive: true });
  const files = {
    payments: resolve(outDir, 'payments.csv'),
    ledger: resolve(outDir, 'ledger.csv'),
    stripePayments: resolve(outDir, 'stripe_payments.csv'),
  };
  const end = Math.floor(options.endAt.getTime() / 1000);
  const window = { start: monthsBefore(end, options.months), end };
  const rng = createRandom(options.seed);
  const ids = new DemoIds();
  const sinks = {
    payments: new LineSink(files.payments, PAYMENTS_HEADER),
    ledger: new LineSink(files.ledger, LEDGER_HEADER),
    stripe: new LineSink(files.stripePayments, STRIPE_HEADER),
  };
  try {
    const drafts = [
      ...(await writeCanonicalAccounts(sinks, ids, rng, window, options.accounts)),
      ...(await writeStripeAccounts(sinks, ids, rng, window, options.accounts + 1)),
    ];
    await Promise.all([sinks.payments.close(), sinks.ledger.close(), sinks.stripe.close()]);
    return {
      files,
      planted: drafts.map(toPlantedCase),
      counts: { payments: sinks.payments.rows, ledgerEntries: sinks.ledger.rows, stripeRows: sinks.stripe.rows },
    };
  } catch (error) {
    for (const sink of Object.values(sinks)) sink.destroy();
    throw error;
  }
}

function resolveOptions(opts: Partial<DemoOptions>): DemoOptions {
  const defined = Object.fromEntries(Object.entries(opts).filter(([, value]) => value !== undefined));
  const options: DemoOptions = { ...DEFAULT_DEMO_OPTIONS, ...defined };
  const minimumAccounts = canonicalPlantSpecs().length;
  if (!Number.isSafeInteger(options.seed)) throw new RangeError(`demo seed must be an integer, got ${options.seed}`);
  if (!Number.isSafeInteger(options.accounts) || options.accounts < minimumAccounts) {
    throw new RangeError(
      `demo accounts must be an integer of at least ${minimumAccounts} (the planted cases), got ${options.accounts}`,
    );
  }
  if (!Number.isSafeInteger(options.months) || options.months < 1) {
    throw new RangeError(`demo months must be a whole number of at least 1, got ${options.months}`);
  }
  if (!(options.endAt instanceof Date) || Number.isNaN(options.endAt.getTime())) {
    throw new RangeError('demo endAt must be a valid Date');
  }
  return options;
}

function toPlantedCase(draft: PlantedDraft): PlantedCase {
  return {
    kind: draft.kind,
    accountId: draft.account.id,
    paymentIds: draft.payments.map((payment) => payment.id),
    note: draft.note,
  };
}
