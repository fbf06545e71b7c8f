// The flag lists, computed once per (settings, as-of, data version) and kept for paging: a list of 100,000 rows
// is paged, sorted and filtered here in the main side, never in the renderer.
import type { FlagSettings, FlagsResult } from '../../../shared/domain.js';
import type { Db } from '../db/open.js';
import { computeFlags } from '../flags/index.js';

export class FlagCache {
  private key = '';
  private value: FlagsResult | undefined;

  constructor(private readonly db: Db) {}

  /** Forgets the lists; the next read recomputes them. */
  invalidate(): void {
    this.value = undefined;
  }

  get(settings: FlagSettings, asOf: string | null): FlagsResult {
    // data_version changes whenever another connection (the import worker, the CLI) commits.
    const version = this.db.pragma('data_version', { simple: true }) as number;
    const key = JSON.stringify([settings, asOf, version]);
    if (this.value && key === this.key) return this.value;
    this.value = computeFlags(this.db, { settings, asOf });
    this.key = key;
    return this.value;
  }
}
