import path from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Edit } from './edits.js';
import { fail } from './failure.js';
import { compileEdited, formatErrors, type LoadedSet } from './sets.js';

/**
 * What one scenario knows: the policy set it checks (as shipped, and as its "When" steps
 * changed it), the users it introduced, and the last change. Kept on the cucumber World under
 * a symbol, so the steps work with any World class, including a project's own.
 */
export interface ScenarioState {
  /** The folder that holds the policy sets (`policies/`), absolute. */
  readonly policies: string;
  /** The set as shipped. */
  shipped: LoadedSet | undefined;
  /** The set the checks run against: the shipped one, or the last accepted change of it. */
  set: LoadedSet | undefined;
  /** The changes made so far, in order. */
  edits: Edit[];
  /** Users the scenario introduced: name to role keys. */
  readonly users: Map<string, string[]>;
  /** The last change, when the compiler rejected it. */
  rejected: { readonly change: string; readonly errors: readonly Diagnostic[] } | undefined;
  /** The last change, described. */
  lastChange: string | undefined;
}

/** What a World may carry: cucumber's `parameters` (world parameters). */
interface WorldLike {
  parameters?: unknown;
}

const STATE = Symbol.for('policyc.gherkin.state');

/** The world parameter that names the policies folder: `{ "policies": "policies" }`. */
export interface PolicyWorldParameters {
  readonly policies?: string;
}

/** The scenario's state, created on first use. */
export function stateOf(world: unknown): ScenarioState {
  const w = world as WorldLike & { [STATE]?: ScenarioState };
  let state = w[STATE];
  if (!state) {
    const parameters = (w.parameters ?? {}) as PolicyWorldParameters;
    state = {
      policies: path.resolve(process.cwd(), parameters.policies ?? 'policies'),
      shipped: undefined,
      set: undefined,
      edits: [],
      users: new Map(),
      rejected: undefined,
      lastChange: undefined,
    };
    Object.defineProperty(w, STATE, { value: state, enumerable: false });
  }
  return state;
}

/** The set the checks run against; fails when none was given or the last change was rejected. */
export function currentSet(state: ScenarioState): LoadedSet {
  if (state.rejected) {
    fail(
      `the change "${state.rejected.change}" was rejected, so there is nothing to check:\n${formatErrors(state.rejected.errors)}\n` +
        'If the scenario expects that, say: Then the change is rejected',
    );
  }
  if (!state.set) fail('no policy set: start the scenario (or its Background) with: Given the policy set "<name>"');
  return state.set;
}

/** The set as shipped; fails when none was given. */
export function shippedSet(state: ScenarioState): LoadedSet {
  if (!state.shipped) fail('no policy set: start the scenario (or its Background) with: Given the policy set "<name>"');
  return state.shipped;
}

/** Makes a change and compiles the changed copy of the set; a rejected change is kept for "Then the change is rejected". */
export async function change(state: ScenarioState, edit: Edit, description: string): Promise<void> {
  const shipped = shippedSet(state);
  if (state.rejected) currentSet(state);
  const edits = [...state.edits, edit];
  const result = await compileEdited(shipped, edits);
  state.edits = edits;
  state.lastChange = description;
  if (result.ok) {
    state.set = result.set;
    state.rejected = undefined;
  } else {
    state.rejected = { change: description, errors: result.errors };
  }
}
