// Demo time is whole epoch seconds; exports show it as ISO 8601 UTC or Stripe's "(UTC)" wall-clock form.

export const SECOND = 1;
export const MINUTE = 60;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** `2026-11-20T11:58:03Z` */
export function isoUtc(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 19) + 'Z';
}

/** `2026-11-20 11:58:03`, as in Stripe Dashboard exports. */
export function stripeUtc(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/** The same wall-clock time `months` calendar months earlier. */
export function monthsBefore(seconds: number, months: number): number {
  const date = new Date(seconds * 1000);
  date.setUTCMonth(date.getUTCMonth() - months);
  return Math.floor(date.getTime() / 1000);
}
