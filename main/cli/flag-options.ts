import type { Command } from 'commander';
import type { FlagSettings } from '../../shared/domain.js';
import { CliFailure } from './failure.js';

export interface FlagOptionValues {
  asOf?: string;
  stuckAfter?: string;
  duplicateWindow?: string;
  lookback?: string;
  tierThreshold?: string;
  bankDebitStuckAfter?: string;
  methodStuckAfter?: string[];
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function addFlagOptions(command: Command): Command {
  return command
    .option('--as-of <iso>', 'measure ages against this time (default: the newest timestamp in the data)')
    .option('--stuck-after <minutes>', 'a payment is stuck after this many minutes')
    .option('--bank-debit-stuck-after <minutes>', 'a pending bank debit (ACH, SEPA, Bacs, …) is stuck after this many minutes (default 10080 = 7 days)')
    .option('--method-stuck-after <method=minutes>', 'a pending payment of this method is stuck after this many minutes (repeatable), e.g. us_bank_account=4320', collect)
    .option('--duplicate-window <minutes>', 'a repeat payment within this many minutes is a possible duplicate')
    .option('--lookback <days>', 'consider payments from the last this many days for stuck')
    .option('--tier-threshold <cents>', 'purchased spend that unlocks Build Tier 1, in cents');
}

export function flagSettingsFrom(options: FlagOptionValues, stored: FlagSettings): FlagSettings {
  return {
    stuckAfterMinutes: wholeNumber('--stuck-after', options.stuckAfter) ?? stored.stuckAfterMinutes,
    duplicateWindowMinutes: wholeNumber('--duplicate-window', options.duplicateWindow) ?? stored.duplicateWindowMinutes,
    lookbackDays: wholeNumber('--lookback', options.lookback) ?? stored.lookbackDays,
    tierThresholdCents: wholeNumber('--tier-threshold', options.tierThreshold) ?? stored.tierThresholdCents,
    bankDebitStuckAfterMinutes: wholeNumber('--bank-debit-stuck-after', options.bankDebitStuckAfter) ?? stored.bankDebitStuckAfterMinutes,
    // The command line's own thresholds add to (and for the same method replace) the ones saved in Settings.
    methodStuckAfterMinutes: { ...stored.methodStuckAfterMinutes, ...methodThresholds(options.methodStuckAfter ?? []) },
  };
}

export function asOfFrom(options: FlagOptionValues, stored: string | null): string | null {
  const value = options.asOf ?? stored;
  if (value !== null && Number.isNaN(Date.parse(value))) throw new CliFailure(`--as-of: not a timestamp: "${value}"`);
  return value;
}

/** `METHOD=MIN` pairs: a method as exports write it (lower case, e.g. us_bank_account) and whole minutes. */
function methodThresholds(pairs: readonly string[]): Record<string, number> {
  const thresholds: Record<string, number> = {};
  for (const pair of pairs) {
    const match = /^([^=]*)=(.*)$/.exec(pair);
    if (!match) throw new CliFailure(`--method-stuck-after: expected METHOD=MINUTES, got "${pair}"`);
    const method = match[1].trim();
    if (!/^[a-z0-9_]+$/.test(method)) {
      throw new CliFailure(`--method-stuck-after: "${method}" is not a payment method as exports write it (lower case, e.g. us_bank_account)`);
    }
    thresholds[method] = wholeNumber(`--method-stuck-after ${method}`, match[2]) as number;
  }
  return thresholds;
}

function wholeNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(Number(value))) throw new CliFailure(`${name}: expected a whole number, got "${value}"`);
  return Number(value);
}
