/**
 * An error caused by the user's project or input, not by a bug in the generator.
 * The CLI prints `message` alone (no stack trace) and exits with status 1.
 * Messages say what is wrong, where (file or flag) and how to fix it.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
}

export const isUserError = (error: unknown): error is UserError =>
  error instanceof Error && error.name === 'UserError';
