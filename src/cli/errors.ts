/** Errors the commands throw; main maps each to its exit code (64 usage, 2 data invalid). */
export class UsageError extends Error {}

export class DataError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
  }
}
