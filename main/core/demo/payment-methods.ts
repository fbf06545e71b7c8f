// How demo customers pay: most by card, some by bank debit (ACH in the US, SEPA in Europe), which takes days to
// confirm. Drawn from a generator of their own, so that the rest of the demo data is the same for a seed.
import type { Random } from './random.js';

export const CARD = 'card';
export const ACH_DEBIT = 'us_bank_account';

const USUAL_METHODS: readonly (readonly [string, number])[] = [
  [CARD, 90],
  [ACH_DEBIT, 7],
  ['sepa_debit', 3],
];

export class PaymentMethods {
  constructor(private readonly rng: Random) {}

  /** The method an ordinary customer pays with, every time. */
  usual(): string {
    return this.rng.weighted(USUAL_METHODS);
  }

  /** Stripe's `Payment Source Type`: cards paid through 3-D Secure say so instead of `card`. */
  stripeSourceType(method: string): string {
    return method === CARD && this.rng.chance(0.15) ? 'three_d_secure_2' : method;
  }
}
