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

export const LEDGER_TYPES = ['credit_free', 'credit_purchased', 'usage', 'refund', 'adjustment'] as const;
export type LedgerType = (typeof LEDGER_TYPES)[number];

export type FlagKind = 'stuck' | 'duplicates' | 'limited';
export const FLAG_KINDS: readonly FlagKind[] = ['stuck', 'duplicates', 'limited'];

export interface FlagSettings {
  stuckAfterMinutes: number;
  duplicateWindowMinutes: number;
  lookbackDays: number;
  tierThresholdCents: number;
}

export const DEFAULT_FLAG_SETTINGS: FlagSettings = {
  stuckAfterMinutes: 15,
  duplicateWindowMinutes: 60,
  lookbackDays: 30,
  tierThresholdCents: 500,
};

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
  notices: FlagNotice[];
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
