import type { Numbering } from '../allocate/lockfile.js';
import type { Model } from '../model/model.js';

/**
 * The JSON Schema of a set's run-time role definitions (generated/<set>/role.schema.json), so
 * that a role editor in the browser checks a definition with the rules `defineRole`
 * (src/runtime/define-role.ts) applies before sending it: the fields, the ids of the
 * permissions, resources, roles, levels, collections and entries of this version, which grants
 * need a level and which take none, the modes each collection offers, and the same size bounds.
 * What a schema cannot say (a permission granted twice under two spellings, escalation) is left
 * to `defineRole`. Permissions that no longer exist are not offered: `defineRole` loads stored
 * definitions naming them with a warning, but an editor should not pick them.
 */
export function roleSchema(model: Model, _numbering: Numbering, version: string): Record<string, unknown> {
  const scoped = (id: string) => model.permissionIndex.get(id)!.scoped;
  const aliasesOf = (id: string) => [...model.permissionAliases].filter(([, to]) => to === id).map(([from]) => from);
  const unscopedTargets: string[] = ['*'];
  const scopedTargets: string[] = [];
  for (const p of model.permissions)
    for (const id of [p.id, ...aliasesOf(p.id)]) (scoped(p.id) ? scopedTargets : unscopedTargets).push(id);
  for (const r of model.resources) (r.permissions.some(scoped) ? scopedTargets : unscopedTargets).push(`${r.name}:*`);
  const roleIds = [...model.roles.map((r) => r.name), ...model.roleAliases.keys()];
  const inheritable = [...roleIds, ...model.retiredRoles.map((r) => r.name)];
  const levels = model.scopes.map((s) => s.name);
  const grant = {
    oneOf: [
      { type: 'string', enum: unscopedTargets, description: 'A permission, `resource:*` or `*` that takes no level.' },
      ...(scopedTargets.length > 0 && levels.length > 0
        ? [
            {
              type: 'object',
              description: 'A scoped permission (or a resource with scoped permissions) and its level.',
              minProperties: 1,
              maxProperties: 1,
              propertyNames: { enum: scopedTargets },
              additionalProperties: { enum: levels },
            },
          ]
        : []),
    ],
  };
  const collections = Object.fromEntries(
    model.collections.map((c) => {
      const listed = c.modes.filter((m) => m !== 'all');
      const entries = c.entries.map((e) => e.path);
      const rules: Record<string, unknown>[] = [];
      if (c.modes.includes('all'))
        rules.push({
          type: 'object',
          additionalProperties: false,
          required: ['mode'],
          properties: { mode: { const: 'all' }, entries: { type: 'array', maxItems: 0 } },
        });
      if (listed.length > 0 && entries.length > 0) {
        rules.push({
          type: 'object',
          additionalProperties: false,
          required: ['mode', 'entries'],
          properties: {
            mode: { enum: listed },
            entries: { type: 'array', minItems: 1, maxItems: 4096, uniqueItems: true, items: { enum: entries } },
          },
        });
      }
      return [c.name, { title: c.title, oneOf: rules }];
    }),
  );
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `policyc:${model.name}/role.schema.json`,
    title: `A role defined at run time on ${model.name} ${version}`,
    description:
      "What defineRole accepts (the generated module's run-time roles); escalation and duplicate grants are checked by defineRole only.",
    type: 'object',
    additionalProperties: false,
    required: ['id', 'title', 'grants'],
    properties: {
      id: {
        type: 'string',
        pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]*$',
        maxLength: 128,
        not: { enum: inheritable },
        description: "The role's stable id; not an id of a compiled role.",
      },
      title: { type: 'string', pattern: '\\S', maxLength: 1024 },
      description: { type: 'string', maxLength: 16384 },
      inherits: {
        type: 'array',
        maxItems: 64,
        uniqueItems: true,
        items: { enum: inheritable },
        description: 'Compiled roles whose access this role includes.',
      },
      grants: { type: 'array', maxItems: 4096, uniqueItems: true, items: grant },
      collections: { type: 'object', additionalProperties: false, properties: collections },
    },
  };
}
