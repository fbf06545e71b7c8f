// Seeded demo exports: a canonical payments export, a credit ledger, a small Stripe Dashboard export and a
// finance reviewer's shared decisions, with known cases planted for each flag (and near misses that must not be
// flagged). Pure Node: no Electron here.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AccountBook } from './account-book.js';
import { demoAccount } from './accounts.js';
import { LEDGER_HEADER, PAYMENTS_HEADER, DemoIds, writeCanonicalAccounts, writeCanonicalBook, type CanonicalSinks, type PlantedDraft } from './canonical-export.js';
import { LineSink } from './line-sink.js';
import type { DemoWindow } from './normal-history.js';
import { CARD, PaymentMethods } from './payment-methods.js';
import { canonicalPlantSpecs, type PlantedKind } from './planted-cases.js';
import { createRandom, type Random } from './random.js';
import { reconciliationPlantSpecs } from './reconciliation-cases.js';
import { REVIEWS_HEADER, reviewLine } from './reviews-export.js';
import { STRIPE_ACCOUNTS, STRIPE_HEADER, writeStripeAccounts, writeStripeBook, writeStripeCharges, type StripeCharge } from './stripe-export.js';
import { isoUtc, monthsBefore } from './time.js';

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
  /** Payment ids the case's ledger entries name although no export has them. */
  ledgerRefs?: string[];
  /** The reviewer's decision shipped in the reviews file, on the duplicate cluster of `paymentIds`. */
  decision?: { kind: 'duplicates'; key: string; decision: 'refund_needed'; decidedAt: string; reviewer: string; note: string };
}

export interface DemoResult {
  files: { payments: string; ledger: string; stripePayments: string; reviews: string };
  planted: PlantedCase[];
  counts: { payments: number; ledgerEntries: number; stripeRows: number; reviews: number };
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
    reviews: resolve(outDir, 'reviews.csv'),
  };
  const end = Math.floor(options.endAt.getTime() / 1000);
  const window = { start: monthsBefore(end, options.months), end };
  const rng = createRandom(options.seed);
  // Methods come from a generator of their own: adding them left every other value of a seed as it was.
  const methods = new PaymentMethods(createRandom(options.seed - 0x5eed));
  const ids = new DemoIds();
  const sinks = {
    payments: new LineSink(files.payments, PAYMENTS_HEADER),
    ledger: new LineSink(files.ledger, LEDGER_HEADER),
    stripe: new LineSink(files.stripePayments, STRIPE_HEADER),
    reviews: new LineSink(files.reviews, REVIEWS_HEADER),
  };
  try {
    const charges: StripeCharge[] = [];
    const drafts = [
      ...(await writeCanonicalAccounts(sinks, ids, rng, window, options.accounts, methods)),
      ...(await writeStripeAccounts(sinks.ledger, charges, ids, rng, window, options.accounts + 1, methods)),
    ];
    const firstReconciliation = options.accounts + STRIPE_ACCOUNTS + 1;
    drafts.push(...(await writeReconciliationAccounts(sinks, charges, ids, rng, window, firstReconciliation)));
    writeStripeCharges(sinks.stripe, charges, methods);
    const planted = drafts.map(toPlantedCase);
    for (const { decision } of planted) if (decision) sinks.reviews.add(reviewLine(decision));
    await Promise.all(Object.values(sinks).map((sink) => sink.close()));
    return {
      files,
      planted,
      counts: { payments: sinks.payments.rows, ledgerEntries: sinks.ledger.rows, stripeRows: sinks.stripe.rows, reviews: sinks.reviews.rows },
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

/** Accounts `firstNumber`… each with one reconciliation case, in the export of its processor. */
async function writeReconciliationAccounts(
  sinks: CanonicalSinks,
  charges: StripeCharge[],
  ids: DemoIds,
  rng: Random,
  window: DemoWindow,
  firstNumber: number,
): Promise<PlantedDraft[]> {
  const drafts: PlantedDraft[] = [];
  for (const [offset, spec] of reconciliationPlantSpecs().entries()) {
    const stripe = spec.processor === 'stripe';
    const book = new AccountBook(demoAccount(firstNumber + offset, rng, stripe), spec.processor, rng);
    drafts.push({ kind: spec.kind, account: book.account, ...spec.build(book, { rng, window }) });
    if (stripe) await writeStripeBook(book, sinks.ledger, charges, ids, CARD);
    else await writeCanonicalBook(book, sinks, ids, CARD);
  }
  return drafts;
}

function toPlantedCase(draft: PlantedDraft): PlantedCase {
  const paymentIds = draft.payments.map((payment) => payment.id);
  const planted: PlantedCase = { kind: draft.kind, accountId: draft.account.id, paymentIds, note: draft.note };
  if (draft.ledgerRefs) planted.ledgerRefs = draft.ledgerRefs;
  if (draft.decision) {
    const { decision, at, reviewer, note } = draft.decision;
    const key = [...paymentIds].sort().join('|');
    planted.decision = { kind: 'duplicates', key, decision, decidedAt: isoUtc(at), reviewer, note };
  }
  return planted;
}
