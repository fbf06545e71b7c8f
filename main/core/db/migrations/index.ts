import { sql as init } from './0001_init.js';
import { sql as derivedFlagColumns } from './0002_derived_flag_columns.js';
import { sql as paymentsWithoutRowid } from './0003_payments_without_rowid.js';
import { sql as flagLists } from './0004_flag_lists.js';
import { sql as paymentRowHashes } from './0005_payment_row_hashes.js';
import { sql as flagListCounts } from './0006_flag_list_counts.js';
import { sql as reconciliation } from './0007_reconciliation.js';
import { sql as paymentsWithRowid } from './0008_payments_with_rowid.js';
import { sql as chargesWithoutIntent } from './0009_charges_without_intent.js';
import { sql as ledgerCoveringIndexes } from './0010_ledger_covering_indexes.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Every migration, in order; version N is the N-th entry. Once released, add new ones, never edit old ones. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: '0001_init', sql: init },
  { version: 2, name: '0002_derived_flag_columns', sql: derivedFlagColumns },
  { version: 3, name: '0003_payments_without_rowid', sql: paymentsWithoutRowid },
  { version: 4, name: '0004_flag_lists', sql: flagLists },
  { version: 5, name: '0005_payment_row_hashes', sql: paymentRowHashes },
  { version: 6, name: '0006_flag_list_counts', sql: flagListCounts },
  { version: 7, name: '0007_reconciliation', sql: reconciliation },
  { version: 8, name: '0008_payments_with_rowid', sql: paymentsWithRowid },
  { version: 9, name: '0009_charges_without_intent', sql: chargesWithoutIntent },
  { version: 10, name: '0010_ledger_covering_indexes', sql: ledgerCoveringIndexes },
];
