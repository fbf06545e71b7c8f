// One account's payments and ledger entries, built in time order while tracking the credit balance.
import type { LedgerType, PaymentStatus } from '../../../shared/domain.js';
import { formatMinor } from '../../../shared/money.js';
import type { DemoAccount } from './accounts.js';
import type { Random } from './random.js';
import { MINUTE } from './time.js';

export type Processor = 'canonical' | 'stripe';

export interface Payment {
  /** Canonical `pay_…` ids are assigned when the account is written; Stripe `ch_…` ids at creation. */
  id: string;
  /** Stripe PaymentIntent id, which is what the ledger links Stripe payments by. */
  intentId: string;
  cents: number;
  status: PaymentStatus;
  createdAt: number;
  updatedAt: number;
  invoiceId: string;
  refundedCents: number;
  /** When the last refund was made at the processor; null when there was none. */
  refundedAt: number | null;
  description: string;
  /** `card`, `us_bank_account`, …; when unset, the account's usual method is written. */
  method?: string;
  dispute?: Dispute;
  /** A Stripe test-mode charge (`Mode` = `Test`): no real money moved. */
  testMode?: boolean;
}

export interface Dispute {
  cents: number;
  status: 'needs_response' | 'under_review' | 'won' | 'lost';
  at: number;
}

export interface LedgerEntry {
  type: LedgerType;
  cents: number;
  at: number;
  payment?: Payment;
  /** The payment id the entry names when it is not one of this account's payments (a credit for an unknown payment). */
  paymentRef?: string;
  /** When the entry is in another currency than the exports' usual one. */
  currency?: string;
}

const APPROVED: ReadonlySet<PaymentStatus> = new Set(['succeeded', 'refunded', 'partially_refunded']);

export class AccountBook {
  readonly payments: Payment[] = [];
  readonly entries: LedgerEntry[] = [];
  balance = 0;

  constructor(
    readonly account: DemoAccount,
    readonly processor: Processor,
    private readonly rng: Random,
  ) {}

  grant(at: number, cents: number, type: 'credit_free' | 'adjustment' = 'credit_free'): void {
    this.addEntry({ type, cents, at });
  }

  /** A payment attempt; only `succeeded` ones are invoiced, and none is credited until `credit` is called. */
  charge(at: number, cents: number, status: PaymentStatus, intentId?: string): Payment {
    const stripe = this.processor === 'stripe';
    const payment: Payment = {
      id: stripe && status !== 'incomplete' ? `ch_${this.rng.token(24)}` : '',
      intentId: intentId ?? (stripe ? `pi_${this.rng.token(24)}` : ''),
      cents,
      status,
      createdAt: at,
      updatedAt: at + this.settleDelay(status),
      invoiceId: APPROVED.has(status) ? `in_${this.rng.token(stripe ? 24 : 14)}` : '',
      refundedCents: 0,
      refundedAt: null,
      description: `Credit pack $${formatMinor(cents, 2)}`,
    };
    this.payments.push(payment);
    return payment;
  }

  /** Credits for a payment: its amount, unless the ledger got it wrong (another amount or currency). */
  credit(payment: Payment, at: number, wrong: { cents?: number; currency?: string } = {}): void {
    this.addEntry({ type: 'credit_purchased', cents: wrong.cents ?? payment.cents, at, payment, currency: wrong.currency });
  }

  /** A credit naming a payment id that no export has. */
  creditUnknown(at: number, cents: number, paymentRef: string): void {
    this.addEntry({ type: 'credit_purchased', cents, at, paymentRef });
  }

  /** A refund at the processor and the credits taken back in the ledger at the same time. */
  refund(payment: Payment, at: number, cents: number): void {
    this.refundAtProcessor(payment, at, cents);
    this.reverse(payment, at, cents);
  }

  /** Money given back to the customer; the ledger knows nothing of it until `reverse` is called. */
  refundAtProcessor(payment: Payment, at: number, cents: number): void {
    payment.status = cents === payment.cents ? 'refunded' : 'partially_refunded';
    payment.refundedCents = cents;
    payment.refundedAt = at;
    payment.updatedAt = at;
  }

  /** Credits taken back in the ledger. */
  reverse(payment: Payment, at: number, cents: number): void {
    this.addEntry({ type: 'refund', cents: -cents, at, payment });
  }

  /** A chargeback on the whole payment; the status at the processor stays as it was. */
  dispute(payment: Payment, at: number, status: Dispute['status']): void {
    payment.dispute = { cents: payment.cents, status, at };
    payment.updatedAt = at;
  }

  use(at: number, cents: number): void {
    this.addEntry({ type: 'usage', cents: -cents, at });
  }

  /** Up to `count` usage debits strictly between `from` and `to`, never spending below `keepCents`. */
  useBetween(from: number, to: number, count: number, keepCents = 0): void {
    if (to - from < 2) return;
    const times = Array.from({ length: count }, () => this.rng.int(from + 1, to - 1)).sort((a, b) => a - b);
    for (const at of times) {
      const available = this.balance - keepCents;
      if (available < 1) return;
      this.use(at, this.rng.int(1, Math.max(1, Math.floor((available * 3) / 5))));
    }
  }

  /** The id a ledger entry uses to point at its payment. */
  linkId(payment: Payment): string {
    return this.processor === 'stripe' ? payment.intentId : payment.id;
  }

  private settleDelay(status: PaymentStatus): number {
    switch (status) {
      case 'succeeded':
      case 'failed':
        return this.rng.int(1, 5);
      case 'canceled':
        return this.rng.int(1, 5) * MINUTE;
      default:
        return 0;
    }
  }

  private addEntry(entry: LedgerEntry): void {
    this.entries.push(entry);
    this.balance += entry.cents;
  }
}
