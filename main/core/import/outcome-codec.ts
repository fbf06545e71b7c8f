// Outcomes cross from the parse worker as one flat array of primitives per batch: structured clone copies
// those several times faster than objects, whose keys it would write out again for every row. Consecutive
// unchanged rows (most of a newer snapshot) cross as one run: the first row's line and how many there are.
import type { RowOutcome } from './records.js';

export type OutcomeBatch = (string | number | null)[];

const UNCHANGED: RowOutcome = { kind: 'unchanged' };

export function encodeOutcome(batch: OutcomeBatch, line: number, outcome: RowOutcome, raw: () => string): void {
  switch (outcome.kind) {
    case 'payment': {
      const p = outcome.payment;
      const hash = outcome.rowHash;
      batch.push('p', line, p.id, p.altId, p.accountId, p.amountCents, p.currency, p.status, p.createdAt, p.updatedAt, p.invoiceId, p.email, p.description, hash?.hi ?? null, hash?.lo ?? null,
        p.method, p.amountRefundedCents, p.refundedAt, p.disputedAmountCents, p.disputeStatus, p.disputedAt);
      return;
    }
    case 'unchanged':
      batch.push('u', line, 1);
      return;
    case 'ledger': {
      const e = outcome.entry;
      batch.push('l', line, e.id, e.accountId, e.type, e.amountCents, e.currency, e.createdAt, e.paymentId);
      return;
    }
    case 'review': {
      const r = outcome.review;
      batch.push('r', line, r.kind, r.key, r.decision, r.note, r.reviewer, r.decidedAt);
      return;
    }
    case 'ignored':
      batch.push(outcome.testMode ? 't' : 'i', line);
      return;
    case 'error':
      batch.push('e', line, outcome.reason, raw());
  }
}

/** Builds batches, joining consecutive unchanged rows into runs. */
export class OutcomeEncoder {
  batch: OutcomeBatch = [];
  /** Where the open run of unchanged rows keeps its count in `batch` (-1: none open). */
  private run = -1;

  add(line: number, outcome: RowOutcome, raw: () => string): void {
    if (outcome.kind !== 'unchanged') {
      this.run = -1;
      return encodeOutcome(this.batch, line, outcome, raw);
    }
    if (this.run === -1) {
      encodeOutcome(this.batch, line, outcome, raw);
      this.run = this.batch.length - 1;
    } else (this.batch[this.run] as number)++;
  }

  /** The batch so far; the encoder starts a new one. */
  take(): OutcomeBatch {
    const batch = this.batch;
    this.batch = [];
    this.run = -1;
    return batch;
  }
}

/** Calls `each` for every outcome of a batch, in order. */
export function decodeOutcomes(batch: OutcomeBatch, each: (line: number, outcome: RowOutcome, raw: () => string) => void): void {
  /* eslint-disable @typescript-eslint/no-explicit-any -- the layout is fixed by encodeOutcome above */
  const v = batch as any[];
  const noRaw = () => '';
  let i = 0;
  while (i < v.length) {
    const kind = v[i];
    const line = v[i + 1] as number;
    switch (kind) {
      case 'p': {
        const rowHash = v[i + 13] === null ? undefined : { hi: v[i + 13], lo: v[i + 14] };
        each(line, { kind: 'payment', payment: { id: v[i + 2], altId: v[i + 3], accountId: v[i + 4], amountCents: v[i + 5], currency: v[i + 6], status: v[i + 7], createdAt: v[i + 8], updatedAt: v[i + 9], invoiceId: v[i + 10], email: v[i + 11], description: v[i + 12],
          method: v[i + 15], amountRefundedCents: v[i + 16], refundedAt: v[i + 17], disputedAmountCents: v[i + 18], disputeStatus: v[i + 19], disputedAt: v[i + 20] }, rowHash }, noRaw);
        i += 21;
        break;
      }
      case 'u':
        // Every row of a run gets the run's first line: nothing reads an unchanged row's line.
        for (let n = v[i + 2] as number; n > 0; n--) each(line, UNCHANGED, noRaw);
        i += 3;
        break;
      case 'l':
        each(line, { kind: 'ledger', entry: { id: v[i + 2], accountId: v[i + 3], type: v[i + 4], amountCents: v[i + 5], currency: v[i + 6], createdAt: v[i + 7], paymentId: v[i + 8] } }, noRaw);
        i += 9;
        break;
      case 'r':
        each(line, { kind: 'review', review: { kind: v[i + 2], key: v[i + 3], decision: v[i + 4], note: v[i + 5], reviewer: v[i + 6], decidedAt: v[i + 7] } }, noRaw);
        i += 8;
        break;
      case 'i':
        each(line, { kind: 'ignored' }, noRaw);
        i += 2;
        break;
      case 't':
        each(line, { kind: 'ignored', testMode: true }, noRaw);
        i += 2;
        break;
      case 'e': {
        const raw = v[i + 3] as string;
        each(line, { kind: 'error', reason: v[i + 2] }, () => raw);
        i += 4;
        break;
      }
      default:
        throw new Error(`unknown outcome tag ${String(kind)} in a parse batch`);
    }
  }
  /* eslint-enable @typescript-eslint/no-explicit-any */
}
