// Recording review decisions: one flag from its evidence card, or many selected rows at once.
import { useState } from 'react';
import type { FlagKind, Review, ReviewDecision } from '../../../shared/domain.js';
import { REVIEW_DECISIONS } from '../../../shared/domain.js';
import { api } from '../api.js';
import { words } from '../format.js';
import { toast } from './ui.js';

export const decisionLabel = words;

export function DecisionBadge({ review }: { review: Review | null }) {
  if (!review) return <span className="muted">open</span>;
  return (
    <span className={`decision ${review.decision}`} title={`${review.reviewer}, ${review.decidedAt}${review.note ? `: ${review.note}` : ''}`}>
      {decisionLabel(review.decision)}
      {review.note && <span className="note-mark" aria-label="has a note">✎</span>}
    </span>
  );
}

export function DecisionForm({
  kind,
  keys,
  current,
  onSaved,
  compact,
}: {
  kind: FlagKind;
  keys: string[];
  current?: Review | null;
  onSaved?: (reviews: Review[]) => void;
  compact?: boolean;
}) {
  const choices = REVIEW_DECISIONS[kind] as readonly ReviewDecision[];
  const [decision, setDecision] = useState<ReviewDecision>(current?.decision ?? choices[0]);
  const [note, setNote] = useState(current?.note ?? '');
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    try {
      const { reviews } = await api['reviews:decide']({ kind, keys, decision, note });
      toast(keys.length === 1 ? `Recorded: ${decisionLabel(decision)}` : `Recorded ${decisionLabel(decision)} on ${keys.length} flags`);
      onSaved?.(reviews);
    } catch (e) {
      toast(`Not saved: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className={`decision-form${compact ? ' compact' : ''}`}>
      <div className="segmented" role="radiogroup" aria-label="Decision">
        {choices.map((c) => (
          <button key={c} role="radio" aria-checked={decision === c} className={decision === c ? 'on' : ''} onClick={() => setDecision(c)}>
            {decisionLabel(c)}
          </button>
        ))}
      </div>
      <input
        className="input note"
        aria-label="Note"
        placeholder="Note (optional): why, ticket number…"
        value={note}
        onChange={(e) => setNote(e.target.value)}
        onKeyDown={(e) => e.key === 'Enter' && void save()}
      />
      <button className="btn primary" disabled={busy} onClick={() => void save()}>
        {keys.length > 1 ? `Apply to ${keys.length}` : 'Save decision'}
      </button>
    </div>
  );
}
