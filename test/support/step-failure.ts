import { StepFailure } from '../../src/gherkin/failure.js';

/** The message a step fails with; fails the test when it does not fail that way. */
export function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof StepFailure) return error.message;
    throw error;
  }
  throw new Error('expected a StepFailure');
}

/** The message an asynchronous step fails with. */
export async function asyncFailure(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof StepFailure) return error.message;
    throw error;
  }
  throw new Error('expected a StepFailure');
}
