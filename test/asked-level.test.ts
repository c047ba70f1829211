import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkPermission } from '../src/gherkin/answers.js';
import { parseTail } from '../src/gherkin/scenario-names.js';
import { type LoadedSet, loadSet } from '../src/gherkin/sets.js';
import { ANY_LEVEL, levelNeeded } from '../src/language/asked-level.js';
import { explain, whoCan } from '../src/review/grant-routes.js';
import { ROOT } from './support/sets.js';

/*
 * One meaning for "no scope given": the widest level, as the generated API's can() has it.
 * "Any level" is asked explicitly (`--scope any`, "at any level"). The generated module, the
 * reference evaluator, explain, who-can and the Gherkin steps answer every question alike.
 */

const POLICIES = path.join(ROOT, 'policies');
let crm: LoadedSet;

beforeAll(async () => {
  crm = await loadSet(POLICIES, 'crm');
});

describe('a question about a scoped permission', () => {
  it('reads no scope as the widest level and "any" as the narrowest', () => {
    expect(levelNeeded({ scoped: true }, undefined, 3)).toBe(2);
    expect(levelNeeded({ scoped: true }, ANY_LEVEL, 3)).toBe(0);
    expect(levelNeeded({ scoped: true }, 1, 3)).toBe(1);
    expect(levelNeeded({ scoped: false }, ANY_LEVEL, 3)).toBe(2);
    expect(levelNeeded({ scoped: false }, undefined, 0)).toBe(0);
  });

  it('"at any level" in a step is the explicit "any", and no phrase is no scope', () => {
    const p = crm.model.permissionIndex.get('records:update');
    expect(parseTail(crm, 'at any level', p).level).toBe(ANY_LEVEL);
    expect(parseTail(crm, '', p).level).toBeUndefined();
    expect(parseTail(crm, 'records', p).level).toBeUndefined();
  });

  it.each([
    ['no scope given', undefined],
    ['any level', ANY_LEVEL],
  ] as const)('gets one answer from the generated API, the oracle, explain, who-can and a step: %s', (_, asked) => {
    const m = crm.model;
    let scopedHeldNarrowly = 0;
    for (const role of m.roles) {
      const roleNo = crm.module.Role[role.name]!;
      for (const p of m.permissions) {
        const held = role.effective.get(p.id);
        // The generated API takes no scope for the widest level; "any" is the narrowest level there.
        const scope = asked === ANY_LEVEL ? m.scopes[0]!.name : undefined;
        const generated = crm.module.can(
          roleNo,
          crm.module.Permission[p.id]!,
          scope === undefined ? undefined : crm.module.Scope[scope],
        );
        const what = `${role.name} ${p.id} (${asked ?? 'no scope'})`;
        expect(crm.evaluator.allowed([role.name], p.id, scope), what).toBe(generated);
        expect(explain(m, { kind: 'role', role }, p, asked).allowed, `explain ${what}`).toBe(generated);
        expect(
          whoCan(m, p, asked).roles.some((h) => h.name === role.name),
          `who-can ${what}`,
        ).toBe(generated);
        const subject = { kind: 'roles', label: `the role "${role.title}"`, roles: [role.name] } as const;
        expect(checkPermission(crm, subject, p, asked, false, generated), `step ${what}`).toBeUndefined();
        if (p.scoped && held !== undefined && held < m.levels - 1) scopedHeldNarrowly++;
      }
    }
    // The shipped set has questions where the two meanings differ.
    expect(scopedHeldNarrowly).toBeGreaterThan(10);
  });
});

describe('a step that names no scope', () => {
  it('fails at the widest level with a hint to write "at any level"', () => {
    const p = crm.model.permissionIndex.get('records:update')!;
    const teamLead = { kind: 'roles', label: 'the role "Team Lead"', roles: ['team-lead'] } as const;
    const message = checkPermission(crm, teamLead, p, undefined, false, true);
    expect(message).toContain('at scope all (no scope named: the widest)');
    expect(message).toContain('write "at any level"');
    expect(checkPermission(crm, teamLead, p, ANY_LEVEL, false, true)).toBeUndefined();
  });
});
