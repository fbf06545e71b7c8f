// A finance team's exported review decisions (`paydesk export reviews`), read back by a sync.
import { FLAG_KINDS, REVIEW_DECISIONS, type FlagKind } from '../../../../shared/domain.js';
import type { RowOutcome, RowReader } from '../records.js';
import { rowError } from '../records.js';
import { cell, HeaderIndex } from './columns.js';
import { requiredText, timeField } from './fields.js';

export const REVIEW_COLUMNS = ['kind', 'key', 'decision', 'note', 'reviewer', 'decided_at'] as const;

export function recogniseReviews(header: HeaderIndex): RowReader | undefined {
  if (!REVIEW_COLUMNS.every((name) => name === 'note' || header.has(name))) return undefined;
  const c = Object.fromEntries(REVIEW_COLUMNS.map((name) => [name, header.find(name)])) as Record<(typeof REVIEW_COLUMNS)[number], number>;
  return {
    format: 'reviews',
    read(fields): RowOutcome {
      const kind = cell(fields, c.kind) as FlagKind;
      if (!FLAG_KINDS.includes(kind)) return rowError(`kind: unknown flag kind "${kind}"`);
      const key = requiredText('key', unneutralise(cell(fields, c.key)));
      if (!key.ok) return rowError(key.reason);
      const decision = cell(fields, c.decision);
      if (!(REVIEW_DECISIONS[kind] as readonly string[]).includes(decision)) {
        return rowError(`decision: "${decision}" is not a decision for ${kind}`);
      }
      const reviewer = requiredText('reviewer', unneutralise(cell(fields, c.reviewer)));
      if (!reviewer.ok) return rowError(reviewer.reason);
      const decidedAt = timeField('decided_at', cell(fields, c.decided_at));
      if (!decidedAt.ok) return rowError(decidedAt.reason);
      return {
        kind: 'review',
        review: { kind, key: key.value, decision, note: unneutralise(cell(fields, c.note)), reviewer: reviewer.value, decidedAt: decidedAt.value },
      };
    },
  };
}

// Our CSV export prefixes formula-like text (and text that already starts with apostrophes before a formula
// start) with one apostrophe; a key, note or reviewer read back drops it, so it comes back as it was.
function unneutralise(value: string): string {
  return /^'+[=+\-@\t\r\n|%]/.test(value) ? value.slice(1) : value;
}
