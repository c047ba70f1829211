import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { definitionArb, definitionOf } from './support/role-definitions.js';
import { freshShipped } from './support/runtime-roles.js';
import { ROOT, shippedModel } from './support/sets.js';

/**
 * generated/<set>/role.schema.json (issue 18): a role editor validates definitions with ajv
 * before sending them; the schema accepts the shipped roles written as definitions, rejects
 * the mistakes defineRole rejects, and agrees with defineRole on random definitions.
 */
const schemaOf = (name: string) =>
  JSON.parse(readFileSync(path.join(ROOT, 'generated', name, 'role.schema.json'), 'utf8')) as object;

describe('role.schema.json', () => {
  for (const name of ['crm', 'platform'] as const) {
    it(`${name}: accepts every shipped role as a definition, rejects bad ones`, async () => {
      const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schemaOf(name));
      const model = await shippedModel(name);
      for (const role of model.roles) {
        const definition = definitionOf(model, role, `custom-${role.name}`);
        expect(validate(definition), `${role.name}: ${JSON.stringify(validate.errors)}`).toBe(true);
      }
      const scoped = model.permissions.find((p) => p.scoped);
      const unscoped = model.permissions.find((p) => !p.scoped)!;
      const bad: [string, unknown][] = [
        ['unknown permission', { id: 'x', title: 'X', grants: ['nope:nothing'] }],
        ['level on an unscoped permission', { id: 'x', title: 'X', grants: [{ [unscoped.id]: 'all' }] }],
        ['unknown field', { id: 'x', title: 'X', grants: [], colour: 'red' }],
        ['compiled id', { id: model.roles[0]!.name, title: 'X', grants: [] }],
        ['grants missing', { id: 'x', title: 'X' }],
        ['blank title', { id: 'x', title: ' ', grants: [] }],
        ['string where an array goes', { id: 'x', title: 'X', grants: unscoped.id }],
        ['unknown inherited role', { id: 'x', title: 'X', grants: [], inherits: ['nobody'] }],
        ...(scoped
          ? ([
              ['scoped without level', { id: 'x', title: 'X', grants: [scoped.id] }],
              ['unknown level', { id: 'x', title: 'X', grants: [{ [scoped.id]: 'galaxy' }] }],
            ] as [string, unknown][])
          : []),
      ];
      const g = await freshShipped(name);
      for (const [what, definition] of bad) {
        expect(validate(definition), what).toBe(false);
        expect(g.defineRole(definition).ok, what).toBe(false);
      }
    });

    it(`${name}: ajv and defineRole agree on random definitions, valid and not`, async () => {
      const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schemaOf(name));
      const model = await shippedModel(name);
      const g = await freshShipped(name);
      let valid = 0;
      let invalid = 0;
      fc.assert(
        fc.property(definitionArb(model, 'random', { invalid: true }), (definition) => {
          const r = g.checkRoleDefinition(definition);
          expect(
            validate(definition),
            `${JSON.stringify(definition)} ${JSON.stringify(validate.errors)} ${JSON.stringify(r)}`,
          ).toBe(r.ok);
          if (r.ok) valid++;
          else invalid++;
        }),
        { numRuns: 300, seed: 18_005 },
      );
      expect(valid).toBeGreaterThan(20);
      expect(invalid).toBeGreaterThan(20);
    });
  }

  it('platform: collection rules follow the modes each collection offers', () => {
    const validate = new Ajv2020({ strict: true }).compile(schemaOf('platform'));
    const base = { id: 'x', title: 'X', grants: [] };
    expect(validate({ ...base, collections: { connectors: { mode: 'allow', entries: ['slack'] } } })).toBe(true);
    expect(validate({ ...base, collections: { objects: { mode: 'all' } } })).toBe(true);
    expect(validate({ ...base, collections: { objects: { mode: 'except', entries: ['customer'] } } })).toBe(false);
    expect(validate({ ...base, collections: { connectors: { mode: 'allow', entries: ['slak'] } } })).toBe(false);
    expect(validate({ ...base, collections: { connectors: { mode: 'all', entries: ['slack'] } } })).toBe(false);
  });
});
