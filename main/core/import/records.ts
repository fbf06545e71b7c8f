import type { FlagKind, LedgerType, PaymentStatus } from '../../../shared/domain.js';

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
  | { kind: 'payment'; payment: PaymentRecord }
  | { kind: 'ledger'; entry: LedgerRecord }
  | { kind: 'review'; review: ReviewRecord }
  | { kind: 'ignored' }
  | { kind: 'error'; reason: string };

/** Reads one record of a recognised file into a domain record. */
export interface RowReader {
  format: string;
  read(fields: readonly string[]): RowOutcome;
}

export const rowError = (reason: string): RowOutcome => ({ kind: 'error', reason });
