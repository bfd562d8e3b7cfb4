/** A problem the launcher explains in one message and exits 1 for (no stack trace: it is the user's setup). */
export class LauncherError extends Error {
  override readonly name = 'LauncherError';
}
