/** A failure the user can fix: printed as "lenet: error: <message>", exit code 1. */
export class UsageError extends Error {
  override name = 'UsageError';
}
