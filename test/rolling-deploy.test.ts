import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSet } from '../src/compile.js';
import { ReferenceEvaluator } from '../src/evaluate/reference.js';
import type { Model } from '../src/model/model.js';
import { evaluateModule } from './support/eval-module.js';
import type { LooseModule } from './support/out-of-domain.js';
import { memorySet, ROOT } from './support/sets.js';

/**
 * A rolling deploy: services still run module v1 while v2 (built on v1's lockfile) hands out
 * numbers, in tokens or database rows. Every number of v2 given to v1 is denied, or, for a
 * number v1 knows, means the same id and gets v1's own answer. v2 adds roles, permissions (one
 * scope-free), a scope between two existing ones, and collection entries.
 */
const V1 = readFileSync(path.join(ROOT, 'test/fixtures/golden/shop/policies/shop/policy.yaml'), 'utf8');

/** v2 of the shop set, written as an author would change v1's file. */
function v2(text: string): string {
  const edits: [string, string][] = [
    [
      '    - { name: team, title: Team }\n',
      '    - { name: team, title: Team }\n    - { name: region, title: Region }\n',
    ],
    [
      '    - { name: deactivate, title: Deactivate }\n',
      '    - { name: deactivate, title: Deactivate }\n    - { name: export, title: Export, implies: [view] }\n',
    ],
    [
      '    - { id: staff:deactivate,',
      '    - { id: orders:export, title: Export orders, scoped: true }\n    - { id: invoices:export, title: Export invoices }\n    - { id: staff:export, title: Export staff, scoped: true }\n    - { id: staff:deactivate,',
    ],
    [
      '        - { path: mailchimp, title: Mailchimp }\n',
      '        - { path: mailchimp, title: Mailchimp }\n        - { path: stripe/actions/capture, title: Capture a charge }\n        - { path: slack, title: Slack }\n        - { path: slack/actions/post, title: Post }\n',
    ],
    ['      entries: [daily, weekly, yearly]\n', '      entries: [daily, weekly, yearly, hourly]\n'],
  ];
  let out = text;
  for (const [from, to] of edits) {
    expect(out, `v2 edit: ${from}`).toContain(from);
    out = out.replace(from, to);
  }
  return `${out}
---
apiVersion: policyc/v1
kind: Role
metadata: { name: analyst }
spec:
  title: Analyst
  description: Exports the region's orders and every invoice.
  grants:
    - orders:export: region
    - invoices:export
    - staff:view: region
  collections:
    integrations: { mode: allow, entries: [slack, stripe/actions/capture] }
    reports: { mode: all }
---
apiVersion: policyc/v1
kind: Role
metadata: { name: exporter }
spec:
  title: Exporter
  inherits: [analyst]
  grants:
    - "*"
`;
}

async function build(text: string, lockfile?: string) {
  const c = compileSet(memorySet('shop', { 'policy.yaml': text }, lockfile), { outRoot: 'generated' });
  expect(c.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([]);
  const g = await evaluateModule<LooseModule & { policySet: { version: string } }>(
    c.files.find((f) => f.name === 'index.ts')!.text,
  );
  return { model: c.model!, lockfile: c.lockfile!.text, g };
}

const idOf = (numbers: Record<string, number>, aliases: ReadonlyMap<string, string>) =>
  new Map(
    Object.entries(numbers)
      .filter(([id]) => !aliases.has(id))
      .map(([id, n]) => [n, id]),
  );

describe('a rolling deploy: v2 numbers handed to v1', () => {
  it('are denied, or mean the same thing for the numbers v1 knows', async () => {
    const one = await build(V1);
    const two = await build(v2(V1), one.lockfile);
    const m1: Model = one.model;
    const m2: Model = two.model;
    // v2 really adds what the test claims.
    expect(m2.roles.length).toBeGreaterThan(m1.roles.length);
    expect(m2.permissions.length).toBe(m1.permissions.length + 3);
    expect(m2.permissions.some((p) => !p.scoped && !m1.permissionIndex.has(p.id))).toBe(true);
    expect(m2.scopes.length).toBe(m1.scopes.length + 1);

    const roles1 = idOf(one.g.Role, m1.roleAliases);
    const perms1 = idOf(one.g.Permission, m1.permissionAliases);
    const scopes1 = idOf(one.g.Scope, new Map());
    const ref1 = new ReferenceEvaluator(m1);
    let denied = 0;
    let same = 0;
    for (const [roleId2, r] of Object.entries(two.g.Role)) {
      for (const [permId2, p] of Object.entries(two.g.Permission)) {
        for (const [scopeId2, s] of [...Object.entries(two.g.Scope), [undefined, undefined] as const]) {
          for (const self of [false, true]) {
            const answer = one.g.can(r, p, s, self);
            const known = roles1.has(r) && perms1.has(p) && (s === undefined || scopes1.has(s));
            const question = `v1.can(${roleId2}=${r}, ${permId2}=${p}, ${scopeId2}=${s}, self=${self})`;
            if (!known) {
              expect(answer, question).toBe(false);
              expect(one.g.subject([r]).can(p, s, self), question).toBe(false);
              denied++;
              continue;
            }
            // A number v1 knows names the same id in both versions (the lockfile never reuses one).
            expect(roles1.get(r), question).toBe(roleId2);
            expect(perms1.get(p), question).toBe(permId2);
            if (s !== undefined) expect(scopes1.get(s), question).toBe(scopeId2);
            expect(answer, question).toBe(ref1.allowed([roleId2], permId2, scopeId2, { self }));
            same++;
          }
        }
      }
    }
    expect(denied).toBeGreaterThan(100);
    expect(same).toBeGreaterThan(100);

    // Widest scope, collections and stored ids: the new roles are unknown to v1.
    for (const [roleId2, r] of Object.entries(two.g.Role)) {
      const known = roles1.has(r);
      for (const [, p] of Object.entries(two.g.Permission)) {
        if (!known || !perms1.has(p)) expect(one.g.widestScope!(r, p)).toBeUndefined();
      }
      for (const c of m2.collections) {
        for (const e of c.entries) {
          const answer = one.g.canUse(r, c.name, e.path);
          // An entry new in v2 is an unknown entry to v1: it follows v1's rule for unknown entries.
          expect(answer, `v1.canUse(${roleId2}, ${c.name}, ${e.path})`).toBe(
            known ? ref1.collectionAllowed([roleId2], c.name, e.path) : false,
          );
        }
      }
      const stored = one.g.storedRoles!([roleId2]);
      expect(stored.unknown).toEqual(known ? [] : [roleId2]);
    }
  });
});
