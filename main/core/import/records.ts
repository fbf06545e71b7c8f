import type { FlagKind, LedgerType, PaymentStatus } from '../../../shared/domain.js';
import type { RowHash } from './row-hash.js';
import type { PaymentRowLayout } from './unchanged-rows.js';

export interface PaymentRecord {
  id: string;
  /** Another id ledger entries may use for this payment (Stripe's PaymentIntent id). */
  altId: string | null;
  accountId: string | null;
  amountCents: number;
  currency: string;
  status: PaymentStatus;
  createdAt: number;
  updatedAt: number;
  invoiceId: string | null;
  email: string | null;
  description: string | null;
  /** `card`, `us_bank_account`, … in lower case; null when the export does not say. */
  method: string | null;
  /** Money refunded to the customer so far, as the export says; null when it does not say. */
  amountRefundedCents: number | null;
  refundedAt: number | null;
  disputedAmountCents: number | null;
  disputeStatus: string | null;
  disputedAt: number | null;
}

export interface LedgerRecord {
  id: string;
  accountId: string;
  type: LedgerType;
  amountCents: number;
  currency: string;
  createdAt: number;
  paymentId: string | null;
}

export interface ReviewRecord {
  kind: FlagKind;
  key: string;
  decision: string;
  note: string;
  reviewer: string;
  decidedAt: number;
}

export type RowOutcome =
  /** `rowHash`: the hash of the row's text, stored with the payment (row-hash.ts); absent for JSON Lines. */
  | { kind: 'payment'; payment: PaymentRecord; rowHash?: RowHash }
  /** A payment row stored as it is, recognised by its text without reading it (unchanged-rows.ts). */
  | { kind: 'unchanged' }
  | { kind: 'ledger'; entry: LedgerRecord }
  | { kind: 'review'; review: ReviewRecord }
  /** Not a payment (a Stripe row without an id), or a test-mode payment (`testMode`), which took no real money. */
  | { kind: 'ignored'; testMode?: true }
  | { kind: 'error'; reason: string };

/** Reads one record of a recognised file into a domain record. */
export interface RowReader {
  format: string;
  read(fields: readonly string[]): RowOutcome;
  /** For CSV payment formats: what recognising unchanged rows needs. */
  paymentRows?: PaymentRowLayout;
}

export const rowError = (reason: string): RowOutcome => ({ kind: 'error', reason });
