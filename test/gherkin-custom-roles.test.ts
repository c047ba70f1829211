import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPermission } from '../src/gherkin/answers.js';
import { STEPS } from '../src/gherkin/definitions.js';
import { resolvePermission, resolveRole } from '../src/gherkin/scenario-names.js';
import { currentSet, type ScenarioState, stateOf } from '../src/gherkin/state.js';
import { ROOT } from './support/sets.js';
import { asyncFailure } from './support/step-failure.js';

/**
 * The custom-role steps (src/gherkin/custom-role-steps.ts) run directly on a scenario state: they
 * define roles on the shipped crm module, each scenario in its own namespace, and every later
 * check is cross-checked against the reference evaluator reading the role's grants.
 */
const POLICIES = path.join(ROOT, 'policies');

/** Runs one step's text (and table) on a state, as cucumber would. */
async function step(state: ScenarioState, text: string, table?: string[][]): Promise<void> {
  const spec = STEPS.find((s) => s.pattern.test(text));
  if (!spec) throw new Error(`no step matches: ${text}`);
  const args = [...spec.pattern.exec(text)!].slice(1);
  await spec.run(state, args, table);
}

async function scenario(): Promise<ScenarioState> {
  const state = stateOf({ parameters: { policies: POLICIES } });
  await step(state, 'the policy set "crm"');
  return state;
}

const can = (state: ScenarioState, role: string, permission: string, level: number | undefined, expected: boolean) => {
  const set = currentSet(state);
  const r = resolveRole(set, role);
  return checkPermission(
    set,
    { kind: 'roles', label: role, roles: [r.name] },
    resolvePermission(set, permission),
    level,
    false,
    expected,
  );
};

describe('custom-role steps', () => {
  it('two scenarios define the same name differently: each sees its own role', async () => {
    const one = await scenario();
    const two = await scenario();
    await step(one, 'a custom role "Night Shift" with these permissions:', [
      ['permission', 'level'],
      ['records:update', 'group'],
    ]);
    await step(two, 'a custom role "Night Shift" with these permissions:', [
      ['permission', 'level'],
      ['emails:view', ''],
    ]);
    expect(can(one, 'Night Shift', 'records:update', 1, true)).toBeUndefined();
    expect(can(one, 'Night Shift', 'emails:view', undefined, false)).toBeUndefined();
    expect(can(two, 'Night Shift', 'emails:view', undefined, true)).toBeUndefined();
    expect(can(two, 'night-shift', 'records:update', 0, false)).toBeUndefined();
    expect(resolveRole(currentSet(one), 'Night Shift').name).not.toBe(resolveRole(currentSet(two), 'Night Shift').name);
  });

  it('a creator cannot define what they do not hold: the "defines" step fails with defineRole\'s reason', async () => {
    const state = await scenario();
    const message = await asyncFailure(() =>
      step(state, '"bob" defines a custom role "Wide" with these permissions:', [['records:delete', 'all']]),
    );
    expect(message).toContain('defining the custom role "Wide" as bob was rejected');
    expect(message).toContain('/grants/0: grants `records:delete` at `all`, which the creator does not hold');
  });

  it('the rejection step fails when the definition is accepted, or rejected for another reason', async () => {
    const state = await scenario();
    const accepted = await asyncFailure(() =>
      step(state, 'defining a custom role "Fine" with these permissions is rejected:', [['emails:view', '']]),
    );
    expect(accepted).toContain('defining the custom role "Fine" was accepted');
    const other = await asyncFailure(() =>
      step(state, 'defining a custom role "Sloppy" with these permissions is rejected because "creator":', [
        ['records:update', ''],
      ]),
    );
    expect(other).toContain('no error says "creator"');
    expect(other).toContain('must name a level');
    // Rejection checks install nothing.
    expect(() => resolveRole(currentSet(state), 'Sloppy')).toThrow();
  });
});
