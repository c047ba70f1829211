/**
 * A step that does not hold, or cannot be read: the message says what was expected, what the
 * policy says and why. Its stack is the message alone: a stack trace into policyc would only
 * hide the answer from the author of the feature.
 */
export class StepFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StepFailure';
    this.stack = message;
  }
}

/** Throws a StepFailure. */
export function fail(message: string): never {
  throw new StepFailure(message);
}
