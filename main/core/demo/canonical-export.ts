// The canonical payments and ledger exports, written account by account.
import { formatMinor } from '../../../shared/money.js';
import { AccountBook, type Payment } from './account-book.js';
import { demoAccount, type DemoAccount } from './accounts.js';
import type { LineSink } from './line-sink.js';
import { simulateNormalAccount, type DemoWindow } from './normal-history.js';
import { CARD, type PaymentMethods } from './payment-methods.js';
import { canonicalPlantSpecs, placePlants, type PlantedKind, type PlantOutcome } from './planted-cases.js';
import type { Random } from './random.js';
import { isoUtc } from './time.js';

export const PAYMENTS_HEADER =
  'payment_id,account_id,amount,currency,status,created_at,updated_at,invoice_id,email,description,' +
  'payment_method,amount_refunded,refunded_at,disputed_amount,dispute_status,disputed_at';
export const LEDGER_HEADER = 'entry_id,account_id,type,amount,currency,created_at,payment_id';
export const CURRENCY = 'usd';

export interface PlantedDraft extends PlantOutcome {
  kind: PlantedKind;
  account: DemoAccount;
}

/** Sequential ids shared by every account, so files are stable for a seed. */
export class DemoIds {
  private payments = 0;
  private entries = 0;
  nextPaymentId = (): string => `pay_${String(++this.payments).padStart(6, '0')}`;
  nextEntryId = (): string => `le_${String(++this.entries).padStart(7, '0')}`;
}

export interface CanonicalSinks {
  payments: LineSink;
  ledger: LineSink;
}

/** Accounts 1…`accounts`, with the planted cases scattered among them. */
export async function writeCanonicalAccounts(
  sinks: CanonicalSinks,
  ids: DemoIds,
  rng: Random,
  window: DemoWindow,
  accounts: number,
  methods: PaymentMethods,
): Promise<PlantedDraft[]> {
  const specs = canonicalPlantSpecs();
  const placed = placePlants(rng, specs.length, 1, accounts);
  const drafts: PlantedDraft[] = [];
  for (let number = 1; number <= accounts; number++) {
    const book = new AccountBook(demoAccount(number, rng), 'canonical', rng);
    const specIndex = placed.get(number);
    // Planted accounts pay by card, so that the 15-minute threshold is the one their cases are about.
    const usualMethod = methods.usual();
    if (specIndex === undefined) {
      simulateNormalAccount(book, rng, window, { inFlight: true, canceled: true });
    } else {
      const spec = specs[specIndex];
      drafts[specIndex] = { kind: spec.kind, account: book.account, ...spec.build(book, { rng, window }) };
    }
    await writeCanonicalBook(book, sinks, ids, specIndex === undefined ? usualMethod : CARD);
  }
  return drafts;
}

/** One account's payments (given ids in created order) and ledger entries. */
export async function writeCanonicalBook(book: AccountBook, sinks: CanonicalSinks, ids: DemoIds, usualMethod: string): Promise<void> {
  for (const payment of book.payments.sort(byCreated)) {
    payment.id = ids.nextPaymentId();
    sinks.payments.add(paymentLine(book.account, payment, usualMethod));
  }
  writeLedger(book, sinks.ledger, ids);
  await sinks.payments.flushIfFull();
  await sinks.ledger.flushIfFull();
}

export function writeLedger(book: AccountBook, sink: LineSink, ids: DemoIds): void {
  const entries = [...book.entries].sort((a, b) => a.at - b.at);
  for (const entry of entries) {
    const link = entry.payment ? book.linkId(entry.payment) : (entry.paymentRef ?? '');
    const amount = formatMinor(entry.cents, 2);
    const currency = entry.currency ?? CURRENCY;
    sink.add(`${ids.nextEntryId()},${book.account.id},${entry.type},${amount},${currency},${isoUtc(entry.at)},${link}`);
  }
}

function paymentLine(account: DemoAccount, payment: Payment, usualMethod: string): string {
  const { dispute } = payment;
  return [
    payment.id,
    account.id,
    formatMinor(payment.cents, 2),
    CURRENCY,
    payment.status,
    isoUtc(payment.createdAt),
    isoUtc(payment.updatedAt),
    payment.invoiceId,
    account.email,
    payment.description,
    payment.method ?? usualMethod,
    payment.refundedCents > 0 ? formatMinor(payment.refundedCents, 2) : '',
    payment.refundedAt === null ? '' : isoUtc(payment.refundedAt),
    dispute ? formatMinor(dispute.cents, 2) : '',
    dispute?.status ?? '',
    dispute ? isoUtc(dispute.at) : '',
  ].join(',');
}

function byCreated(a: Payment, b: Payment): number {
  return a.createdAt - b.createdAt;
}
