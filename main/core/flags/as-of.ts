import type { Store } from '../store/store.js';

export interface DataBounds {
  newestPaymentAt: number | null;
  newestLedgerAt: number | null;
}

export async function dataBounds(db: Store): Promise<DataBounds> {
  const rows = (await db.all('SELECT name, newest_at FROM data_bounds')) as { name: string; newest_at: number }[];
  const of = (name: string) => rows.find((row) => row.name === name)?.newest_at ?? null;
  return { newestPaymentAt: of('payments'), newestLedgerAt: of('ledger') };
}

/**
 * Ages are measured against the user's "as of", else the newest timestamp in the data: exports are snapshots,
 * and against the wall clock everything in an old export would look stuck.
 */
export function resolveAsOf(requested: string | number | null | undefined, bounds: DataBounds, now = Date.now()): number {
  if (requested !== null && requested !== undefined) {
    const ms = typeof requested === 'number' ? requested : Date.parse(requested);
    if (Number.isNaN(ms)) throw new Error(`as-of: not a timestamp: "${requested}"`);
    return ms;
  }
  const newest = Math.max(bounds.newestPaymentAt ?? -Infinity, bounds.newestLedgerAt ?? -Infinity);
  return Number.isFinite(newest) ? newest : now;
}
