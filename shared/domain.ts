// Domain types shared by the core, the CLI, the API contract and the renderer. Money is integer minor units;
// times cross boundaries as ISO 8601 UTC strings.

export const PAYMENT_STATUSES = [
  'pending',
  'processing',
  'succeeded',
  'failed',
  'canceled',
  'refunded',
  'partially_refunded',
  'incomplete',
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** Statuses of a payment that kept no money: declined, canceled, or never completed. */
const NO_MONEY_KEPT: ReadonlySet<string> = new Set<PaymentStatus>(['failed', 'canceled', 'incomplete']);
export const keptNoMoney = (status: PaymentStatus | null): boolean => status !== null && NO_MONEY_KEPT.has(status);

export const LEDGER_TYPES = ['credit_free', 'credit_purchased', 'usage', 'refund', 'adjustment'] as const;
export type LedgerType = (typeof LEDGER_TYPES)[number];

export type FlagKind = 'stuck' | 'duplicates' | 'limited' | 'mismatches';
export const FLAG_KINDS: readonly FlagKind[] = ['stuck', 'duplicates', 'limited', 'mismatches'];

export interface FlagSettings {
  stuckAfterMinutes: number;
  duplicateWindowMinutes: number;
  lookbackDays: number;
  tierThresholdCents: number;
  /** The processor-stage threshold for bank debits, which confirm in days (rules.md §1 "Slow payment methods"). */
  bankDebitStuckAfterMinutes: number;
  /** The user's own processor-stage threshold per payment method; wins over every other threshold. */
  methodStuckAfterMinutes: Record<string, number>;
}

export const DEFAULT_FLAG_SETTINGS: FlagSettings = {
  stuckAfterMinutes: 15,
  duplicateWindowMinutes: 60,
  lookbackDays: 30,
  tierThresholdCents: 500,
  bankDebitStuckAfterMinutes: 10_080,
  methodStuckAfterMinutes: {},
};

/** Payment methods that are bank debits: pending for days is normal for them. */
export const BANK_DEBIT_METHODS = ['us_bank_account', 'ach_debit', 'sepa_debit', 'bacs_debit', 'acss_debit', 'au_becs_debit'] as const;

/** The processor-stage threshold, in minutes, for a payment of this method (null: unknown method). */
export function processorStuckAfterMinutes(settings: FlagSettings, method: string | null): number {
  if (method !== null) {
    const own = settings.methodStuckAfterMinutes[method];
    if (own !== undefined) return own;
    if ((BANK_DEBIT_METHODS as readonly string[]).includes(method)) return settings.bankDebitStuckAfterMinutes;
  }
  return settings.stuckAfterMinutes;
}

export type StuckStage = 'processor' | 'credit';

export interface StuckPayment {
  paymentId: string;
  accountId: string | null;
  stage: StuckStage;
  status: PaymentStatus;
  amountCents: number;
  currency: string;
  createdAt: string;
  ageSeconds: number;
  email: string | null;
  invoiceId: string | null;
  /** Payments the same account made after this one: a hint that the customer paid again. */
  laterPayments: number;
  /** The payment method from the export (`card`, `us_bank_account`, …), or null when it did not say. */
  method: string | null;
  /** The threshold applied to this payment, in minutes (the method's for the processor stage). */
  stuckAfterMinutes: number;
}

export interface DuplicateCluster {
  key: string;
  accountId: string;
  currency: string;
  amountCents: number;
  paymentIds: string[];
  whilePending: boolean;
  firstCreatedAt: string;
  lastCreatedAt: string;
  /** What the customer paid beyond the first payment. */
  extraCents: number;
}

export interface LimitedAccount {
  accountId: string;
  currency: string;
  balanceCents: number;
  freeCents: number;
  purchasedCents: number;
  missingCents: number;
  /** A pending or stuck payment of the account that would cover the gap once it completes. */
  unlockPaymentId: string | null;
}

export const MISMATCH_KINDS = ['credited_twice', 'amount_differs', 'credited_not_paid', 'refund_not_reversed', 'unknown_payment'] as const;
export type MismatchKind = (typeof MISMATCH_KINDS)[number];

/** Rule 4: a payment whose credits in the ledger disagree with the money kept at the processor. */
export interface Mismatch {
  /** `kind:paymentId`, or `unknown_payment:entryId`. */
  key: string;
  kind: MismatchKind;
  /** The payment; for `unknown_payment`, the id the ledger entry names. */
  paymentId: string;
  accountId: string | null;
  currency: string;
  /** What was paid; for `unknown_payment`, the entry's amount. */
  amountCents: number;
  creditedCents: number;
  reversedCents: number;
  returnedCents: number;
  /** Credits held beyond what the money kept pays for: positive over-credited, negative owed. Null across currencies. */
  deltaCents: number | null;
  /** The linked ledger entries (credit_purchased and refund), oldest first. */
  entryIds: string[];
  /** The payment's status; null for `unknown_payment`. */
  status: PaymentStatus | null;
  /** When the payment (or, for `unknown_payment`, the entry) was created. */
  createdAt: string;
  /** When the money went back to the customer, for `refund_not_reversed`. */
  returnedAt: string | null;
  email: string | null;
}

export interface FlagNotice {
  code: 'no-ledger' | 'payment-intent-ids-missing';
  message: string;
}

export interface FlagsResult {
  asOf: string;
  settings: FlagSettings;
  stuck?: StuckPayment[];
  duplicates?: DuplicateCluster[];
  limited?: LimitedAccount[];
  mismatches?: Mismatch[];
  notices: FlagNotice[];
}

/** Rule 5: where a decision that asks for an action stands, from the current data. */
export type FollowupState = 'waiting' | 'refunded_not_reversed' | 'done';

export interface Followup {
  key: string;
  list: FlagKind;
  decision: ReviewDecision;
  state: FollowupState;
  decidedAt: string;
  by: string;
  note: string;
  accountId: string | null;
  /** What the data shows, in plain words ("refund made on 3 Mar; credits not yet taken back"). */
  detail: string;
}

export type ImportStatus = 'imported' | 'skipped' | 'rejected' | 'unrecognised' | 'canceled';

export interface RowError {
  line: number;
  reason: string;
  raw: string;
}

/** What an import did with a file's rows: the same counts in a report, the history and the CLI's JSON. */
export interface ImportCounts {
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  ignored: number;
  rejected: number;
  conflicts: number;
}

export interface ImportFileReport extends ImportCounts {
  importId?: number;
  path: string;
  format: string | null;
  status: ImportStatus;
  reason?: string;
  /** The header line of an unrecognised file, so that a column mapping can be made for it. */
  header?: string;
  /** Of the ignored rows, how many were test-mode payments (Stripe's `Mode` = `Test`). */
  testModeRows?: number;
  errors: RowError[];
  durationMs: number;
}

export interface ImportProgress {
  path: string;
  fileIndex: number;
  fileCount: number;
  bytesRead: number;
  totalBytes: number;
  rows: number;
}

export const REVIEW_DECISIONS = {
  duplicates: ['refund_needed', 'refunded', 'intentional', 'dismissed'],
  stuck: ['escalated', 'resolved'],
  limited: ['contacted', 'dismissed'],
  mismatches: ['fixed', 'expected', 'dismissed'],
} as const satisfies Record<FlagKind, readonly string[]>;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[FlagKind][number];

export interface Review {
  kind: FlagKind;
  key: string;
  decision: ReviewDecision;
  note: string;
  reviewer: string;
  decidedAt: string;
}
