// Payments and ledger entries are keyed by their id through a unique index of their own (migration 0008), not a
// PRIMARY KEY: a first sync into an empty table can then load the rows without it and build it once, sorted,
// after them (import/deferred-indexes.ts), which real ids (random, `ch_3TKW…`) make much faster.
export const KEY_INDEXES = { payments: 'payments_key', ledger_entries: 'ledger_key' } as const;

export type KeyedTable = keyof typeof KEY_INDEXES;

/** The column both keys are on. */
export const KEY_COLUMN = 'id';
