// Demo customers: sequential account ids and deterministic, lower-case example.com emails.
import type { Random } from './random.js';

const FIRST_NAMES = [
  'ada', 'alan', 'amara', 'ben', 'chen', 'clara', 'david', 'elena', 'emil', 'fatima', 'grace', 'hana', 'ivan',
  'jonas', 'julia', 'kenji', 'lena', 'liam', 'maria', 'mateo', 'nadia', 'noah', 'olga', 'omar', 'priya', 'rafael',
  'sara', 'tomas', 'wei', 'yusuf', 'zoe',
] as const;
const SURNAMES = [
  'almeida', 'becker', 'costa', 'dubois', 'eriksen', 'fischer', 'garcia', 'haddad', 'ito', 'jensen', 'kowalski',
  'lopez', 'moreau', 'nakamura', 'novak', 'okafor', 'patel', 'quinn', 'rossi', 'schmidt', 'silva', 'tanaka',
  'usman', 'varga', 'wagner', 'xu', 'yilmaz', 'zhang',
] as const;

export interface DemoAccount {
  id: string;
  email: string;
  /** Stripe `cus_…` id; only accounts of the Stripe export have one. */
  customerId: string;
}

export function demoAccount(number: number, rng: Random, stripeCustomer = false): DemoAccount {
  return {
    id: `acct_${String(number).padStart(5, '0')}`,
    email: `${rng.pick(FIRST_NAMES)}.${rng.pick(SURNAMES)}${number}@example.com`,
    customerId: stripeCustomer ? `cus_${rng.token(14)}` : '',
  };
}
