// The four flag lists over one consistent snapshot of the database.
import type { FlagKind, FlagNotice, FlagSettings, FlagsResult } from '../../../shared/domain.js';
import type { Store } from '../store/store.js';
import { dataBounds, resolveAsOf } from './as-of.js';
import { listDuplicateClusters } from './duplicates.js';
import { listLimitedAccounts } from './limited.js';
import { listMismatches } from './mismatches.js';
import { listStuckPayments, missingIntentNotice } from './stuck.js';

export interface FlagQuery {
  settings: FlagSettings;
  asOf?: string | number | null;
  only?: FlagKind;
  /** Only flags on this account (the account view); the rules and as-of stay those of the whole data set. */
  accountId?: string;
}

export function computeFlags(db: Store, query: FlagQuery): Promise<FlagsResult> {
  // One read transaction, so an import committing meanwhile cannot make the lists disagree.
  return db.read(async () => {
    const bounds = await dataBounds(db);
    const asOf = resolveAsOf(query.asOf, bounds);
    const wants = (kind: FlagKind) => query.only === undefined || query.only === kind;
    const notices: FlagNotice[] = [];
    const result: FlagsResult = { asOf: new Date(asOf).toISOString(), settings: { ...query.settings }, notices };
    if ((wants('stuck') || wants('mismatches')) && bounds.newestLedgerAt === null) {
      notices.push({
        code: 'no-ledger',
        message: 'No ledger export imported: import one to check whether paid payments were credited and whether credits match the money kept.',
      });
    }
    // Credits naming PaymentIntents that charges imported without one cannot reach: say which column to add,
    // instead of listing those payments as uncredited or those credits as naming unknown payments.
    const intentNotice = wants('stuck') || wants('mismatches') ? await missingIntentNotice(db) : undefined;
    if (intentNotice) notices.push(intentNotice);
    if (wants('stuck')) {
      result.stuck = await listStuckPayments(db, query.settings, {
        asOf,
        ledgerAsOf: bounds.newestLedgerAt === null ? null : Math.min(asOf, bounds.newestLedgerAt),
        skipChargesWithoutIntent: intentNotice !== undefined,
        accountId: query.accountId,
      });
    }
    if (wants('duplicates')) result.duplicates = await listDuplicateClusters(db, query.settings, query.accountId);
    if (wants('limited')) result.limited = await listLimitedAccounts(db, query.settings, query.accountId);
    if (wants('mismatches')) {
      result.mismatches = await listMismatches(db, query.settings, {
        newestLedgerAt: bounds.newestLedgerAt,
        accountId: query.accountId,
        skipIntentCredits: intentNotice !== undefined,
      });
    }
    return result;
  });
}
