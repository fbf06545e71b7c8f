// What a sync added to the flag lists: the lists' keys are read before the sync starts and again when it ends
// (the import worker rebuilds the tables at its end), and the keys present after that were not there before
// are counted, for the lists issue 11 notifies about (stuck, duplicates, mismatches).
import type { NewFlags } from '../../../shared/api.js';
import type { Store } from '../store/store.js';

export interface FlagKeys {
  stuck: ReadonlySet<string>;
  duplicates: ReadonlySet<string>;
  mismatches: ReadonlySet<string>;
}

/** The keys of the stuck, duplicates and mismatches lists as built now, read in one snapshot. */
export async function readFlagKeys(db: Store): Promise<FlagKeys> {
  const keys = async (sql: string) => new Set(await db.column<string>(sql));
  return db.read(async () => ({
    stuck: await keys('SELECT payment_id FROM flag_stuck'),
    duplicates: await keys('SELECT key FROM flag_duplicates'),
    mismatches: await keys('SELECT key FROM flag_mismatches'),
  }));
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
  private before: Promise<{ keys: FlagKeys; auto: boolean } | null> = Promise.resolve(null);

  constructor(
    private readonly db: Store,
    private readonly onNew: (flags: NewFlags) => void,
    private readonly log?: (line: string) => void,
  ) {}

  /** Resolves once the lists are read: the sync must not start before, or its rows would count as old. */
  async started(auto: boolean): Promise<void> {
    this.before = readFlagKeys(this.db).then(
      (keys) => ({ keys, auto }),
      (error: unknown) => {
        this.log?.(`new flags: could not read the lists before the sync: ${(error as Error).message}`);
        return null;
      },
    );
    await this.before;
  }

  async finished(): Promise<void> {
    const before = await this.before;
    this.before = Promise.resolve(null);
    if (!before) return;
    let flags: NewFlags;
    try {
      flags = countNewFlags(before.keys, await readFlagKeys(this.db), before.auto);
    } catch (error) {
      this.log?.(`new flags: could not read the lists after the sync: ${(error as Error).message}`);
      return;
    }
    if (anyNewFlags(flags)) this.onNew(flags);
  }
}
