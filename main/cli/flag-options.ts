import type { Command } from 'commander';
import type { FlagSettings } from '../../shared/domain.js';
import { CliFailure } from './failure.js';

export interface FlagOptionValues {
  asOf?: string;
  stuckAfter?: string;
  duplicateWindow?: string;
  lookback?: string;
  tierThreshold?: string;
}

export function addFlagOptions(command: Command): Command {
  return command
    .option('--as-of <iso>', 'measure ages against this time (default: the newest timestamp in the data)')
    .option('--stuck-after <minutes>', 'a payment is stuck after this many minutes')
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
  };
}

export function asOfFrom(options: FlagOptionValues, stored: string | null): string | null {
  const value = options.asOf ?? stored;
  if (value !== null && Number.isNaN(Date.parse(value))) throw new CliFailure(`--as-of: not a timestamp: "${value}"`);
  return value;
}

function wholeNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) throw new CliFailure(`${name}: expected a whole number, got "${value}"`);
  return Number(value);
}
