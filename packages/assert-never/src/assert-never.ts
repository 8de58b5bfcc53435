/**
 * The default branch of a `switch` that covers every member of a union. The compiler proves the branch
 * unreachable (the argument must be `never`, so a member added to the union and not handled is a type
 * error here); should a value from outside the types arrive anyway (a cast, data older or newer than the
 * code), it fails loudly with the value in the message instead of falling through.
 *
 * `what` names the union in the message ("unknown event {…}"); `error` builds the error to throw when the
 * caller must throw a kind of its own (a consumer's poison message).
 */
export function assertNever(value: never, what = 'value', error: (message: string) => Error = (message) => new Error(message)): never {
  throw error(`unknown ${what} ${describe(value)}`);
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    // A value JSON cannot write (a bigint, a cycle) still names itself.
    return String(value);
  }
}
