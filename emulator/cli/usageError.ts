/** A mistake in the command line: the CLI prints its message alone and exits 2. Its own file so the dispatcher loads nothing else to catch it. */
export class UsageError extends Error {}
