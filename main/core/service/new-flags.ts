// What a sync added to the flag lists: the lists' keys are read before the sync starts and again when it ends
// (the import worker rebuilds the tables at its end), and the keys present after that were not there before
// are counted, for the lists issue 11 notifies about (stuck, duplicates, mismatches).
import type { NewFlags } from '../../../shared/api.js';
import type { Db } from '../db/open.js';

export interface FlagKeys {
  stuck: ReadonlySet<string>;
  duplicates: ReadonlySet<string>;
  mismatches: ReadonlySet<string>;
}

/** The keys of the stuck, duplicates and mismatches lists as built now, read in one snapshot. */
export function readFlagKeys(db: Db): FlagKeys {
  const keys = (sql: string) => new Set(db.prepare(sql).pluck().all() as string[]);
  return db
    .transaction(() => ({
      stuck: keys('SELECT payment_id FROM flag_stuck'),
      duplicates: keys('SELECT key FROM flag_duplicates'),
      mismatches: keys('SELECT key FROM flag_mismatches'),
    }))
    .deferred();
}

const added = (before: ReadonlySet<string>, after: ReadonlySet<string>) => {
  let count = 0;
  for (const key of after) if (!before.has(key)) count++;
  return count;
};

export function countNewFlags(before: FlagKeys, after: FlagKeys, auto: boolean): NewFlags {
  return {
    stuck: added(before.stuck, after.stuck),
    duplicates: added(before.duplicates, after.duplicates),
    mismatches: added(before.mismatches, after.mismatches),
    auto,
  };
}

export const anyNewFlags = (flags: NewFlags): boolean => flags.stuck + flags.duplicates + flags.mismatches > 0;

/**
 * One sync at a time: `started` snapshots the lists, `finished` compares and hands on the counts when a list
 * gained rows (and nothing otherwise). A sync that fails leaves the lists as they were: nothing new.
 */
export class NewFlagsTracker {
  private before: { keys: FlagKeys; auto: boolean } | null = null;

  constructor(
    private readonly db: Db,
    private readonly onNew: (flags: NewFlags) => void,
    private readonly log?: (line: string) => void,
  ) {}

  started(auto: boolean): void {
    try {
      this.before = { keys: readFlagKeys(this.db), auto };
    } catch (error) {
      this.before = null;
      this.log?.(`new flags: could not read the lists before the sync: ${(error as Error).message}`);
    }
  }

  finished(): void {
    const before = this.before;
    this.before = null;
    if (!before) return;
    let flags: NewFlags;
    try {
      flags = countNewFlags(before.keys, readFlagKeys(this.db), before.auto);
    } catch (error) {
      this.log?.(`new flags: could not read the lists after the sync: ${(error as Error).message}`);
      return;
    }
    if (anyNewFlags(flags)) this.onNew(flags);
  }
}
