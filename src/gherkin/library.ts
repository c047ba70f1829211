import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { type DataTable, Given, supportCodeLibraryBuilder, Then, When } from '@cucumber/cucumber';
import type { ISupportCodeLibrary } from '@cucumber/cucumber/api';
import { STEPS, type StepSpec } from './definitions.js';
import { StepFailure } from './failure.js';
import { stateOf } from './state.js';

/** The number of capturing groups of a step's pattern: the arguments cucumber passes. */
export function groupCount(pattern: RegExp): number {
  return new RegExp(`${pattern.source}|`).exec('')!.length - 1;
}

function isDataTable(value: unknown): value is DataTable {
  return typeof value === 'object' && value !== null && typeof (value as DataTable).raw === 'function';
}

/** The cucumber step function of one spec (its `length` is what cucumber checks against the pattern). */
function stepFunction(spec: StepSpec): (...args: unknown[]) => Promise<void> {
  const groups = groupCount(spec.pattern);
  // Cucumber passes the captured groups, the data table, then a callback this function never uses.
  const fn = async function (this: unknown, ...args: unknown[]): Promise<void> {
    let table: string[][] | undefined;
    if (spec.table) {
      const last = args[groups];
      if (!isDataTable(last)) throw new StepFailure(`this step needs a table below it: ${spec.phrase}`);
      table = last.raw();
    }
    await spec.run(
      stateOf(this),
      args.slice(0, groups).map((a) => (a === null || a === undefined ? undefined : String(a))),
      table,
    );
  };
  Object.defineProperty(fn, 'length', { value: groups + (spec.table ? 1 : 0) });
  return fn;
}

/**
 * How long one of policyc's steps may take. The first step about a set (or a changed copy of it)
 * compiles it: about a second on an idle machine, many times that on a loaded CI runner, where
 * cucumber's default of 5 s failed a step that was only waiting for a CPU.
 */
const STEP_TIMEOUT_MS = 60_000;

/**
 * Registers policyc's steps with cucumber. Call it from a support file of your own cucumber
 * setup, or import `policyc/steps`, which does. The steps keep their state on whatever World
 * the project uses; the world parameter `policies` names the folder of the policy sets
 * (default `policies`, relative to the working directory).
 */
export function registerPolicySteps(): void {
  for (const spec of STEPS) {
    const define = spec.keyword === 'Given' ? Given : spec.keyword === 'When' ? When : Then;
    define(spec.pattern, { timeout: STEP_TIMEOUT_MS }, stepFunction(spec));
  }
}

/**
 * A cucumber support code library with policyc's steps and, optionally, a project's own support
 * files (imported after the steps, so they can add steps and hooks). Built directly with
 * cucumber's support code builder: the steps need no loader and no compiled copy on disk.
 */
export async function buildSupportLibrary(
  cwd: string,
  importPaths: readonly string[] = [],
): Promise<ISupportCodeLibrary> {
  supportCodeLibraryBuilder.reset(cwd, () => randomUUID(), {
    requireModules: [],
    requirePaths: [],
    importPaths: [...importPaths],
    loaders: [],
  });
  registerPolicySteps();
  for (const file of importPaths) await import(pathToFileURL(file).href);
  return supportCodeLibraryBuilder.finalize() as unknown as ISupportCodeLibrary;
}
