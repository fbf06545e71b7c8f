/** The work failed (exit 1) for a reason the user can act on; printed as one line on stderr. */
export class CliFailure extends Error {}
