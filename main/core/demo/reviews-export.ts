// A finance reviewer's decisions as `paydesk export reviews` writes them, which a sync reads back: how a team
// shares decisions, and how the demo ships the decisions its follow-ups are about.
import { REVIEW_EXPORT_COLUMNS } from '../export-csv.js';
import type { PlantedCase } from './generate.js';

export const REVIEWS_HEADER = REVIEW_EXPORT_COLUMNS.join(',');

export function reviewLine(decision: NonNullable<PlantedCase['decision']>): string {
  return [decision.kind, decision.key, decision.decision, decision.note, decision.reviewer, decision.decidedAt].join(',');
}
