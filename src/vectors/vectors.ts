import { ReferenceEvaluator } from '../evaluate/reference.js';
import type { Model } from '../model/model.js';

/** Version of the test vectors' JSON shape (schemas/vectors-v1.schema.json); bumped on any incompatible change. */
export const VECTORS_FORMAT = 1;

/**
 * One question to a compiled set and its answer, by ids only, so that any language can ask it:
 * may a subject holding `roles` perform `permission` (at `scope`, the widest when absent; on
 * itself when `self`), or use `entry` of `collection`?
 */
export type Vector =
  | {
      readonly roles: readonly string[];
      readonly permission: string;
      readonly scope?: string;
      readonly self?: true;
      readonly allowed: boolean;
      readonly note?: string;
    }
  | {
      readonly roles: readonly string[];
      readonly collection: string;
      readonly entry: string;
      readonly allowed: boolean;
      readonly note?: string;
    };

/** The test vectors of one set: every question a reader of `generated/<set>/manifest.json` must answer the same way. */
export interface Vectors {
  readonly formatVersion: typeof VECTORS_FORMAT;
  readonly set: { readonly name: string; readonly version: string };
  readonly vectors: readonly Vector[];
}

/** Ids that are never ids of a set: prototype names, case and blank variants, empty strings. */
const HOSTILE = ['', ' ', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '*', 'x'.repeat(300)];

/**
 * Questions and answers for a set, deterministic (same model, same bytes). Answers come from the
 * reference evaluator (src/evaluate/reference.ts), which reads the declared grants and shares no
 * code with the tables the manifest carries. Covered: every role × permission × scope (and the
 * default scope), on oneself for self-restricted permissions, previous ids, subjects of two roles,
 * every role × collection entry plus entries unknown at build time; and out-of-domain questions
 * (unknown or hostile role, permission, scope and collection ids, a scope on a set without
 * scopes), whose answer is always `false`: a reader must fail closed.
 */
export function testVectors(model: Model): Vectors {
  const oracle = new ReferenceEvaluator(model);
  const vectors: Vector[] = [];
  const scopes = model.scopes.map((s) => s.name);
  const roles = model.roles.map((r) => r.name);
  const permissions = model.permissions;

  const ask = (
    subject: readonly string[],
    permission: string,
    scope: string | undefined,
    self: boolean,
    note?: string,
  ) => {
    const allowed = oracle.allowed(subject, permission, scope, { self });
    vectors.push({
      roles: subject,
      permission,
      ...(scope === undefined ? {} : { scope }),
      ...(self ? { self: true as const } : {}),
      allowed,
      ...(note ? { note } : {}),
    });
  };

  for (const role of roles) {
    for (const p of permissions) {
      ask([role], p.id, undefined, false);
      for (const scope of scopes) ask([role], p.id, scope, false);
      if (p.selfRestricted)
        for (const scope of scopes.length > 0 ? scopes : [undefined]) ask([role], p.id, scope, true);
    }
  }
  // Subjects of two roles: each role with the next one (a union of their access).
  for (let i = 0; i + 1 < roles.length; i++) {
    for (const p of permissions) ask([roles[i]!, roles[i + 1]!], p.id, scopes.at(0), false);
  }
  // Previous ids keep working (deprecated aliases).
  for (const role of model.roles)
    for (const old of role.previousNames)
      for (const p of permissions.slice(0, 8)) ask([old], p.id, undefined, false, 'previous role id');
  for (const p of permissions)
    for (const old of p.previousNames)
      for (const role of roles) ask([role], old, undefined, false, 'previous permission id');

  for (const c of model.collections) {
    const tops = c.entries.filter((e) => e.parent === undefined).map((e) => e.path);
    const unknown = [
      'new-entry',
      'new-entry/child',
      ...tops.flatMap((t) => [`${t}/new-child`, `${t}/new-child/deeper`]),
    ];
    const deepest = c.entries
      .filter((e) => !c.entries.some((o) => o.parent === e.path))
      .map((e) => `${e.path}/new-leaf`);
    for (const role of roles) {
      for (const entry of [...c.entries.map((e) => e.path), ...unknown, ...deepest]) {
        vectors.push({
          roles: [role],
          collection: c.name,
          entry,
          allowed: oracle.collectionAllowed([role], c.name, entry),
          ...(c.entryIndex.has(entry) ? {} : { note: 'entry unknown at build time' }),
        });
      }
    }
  }

  // Out of domain: every answer is false, whatever the subject holds.
  const owner = model.ownerRole ?? roles[0];
  const somePermission = permissions[0]?.id;
  const ood = (
    v:
      | Omit<Extract<Vector, { permission: string }>, 'allowed' | 'note'>
      | Omit<Extract<Vector, { collection: string }>, 'allowed' | 'note'>,
    note: string,
  ) => vectors.push({ ...v, allowed: false, note } as Vector);
  if (owner !== undefined && somePermission !== undefined) {
    for (const id of [...HOSTILE, `${owner}-unknown`, owner.toUpperCase(), ` ${owner}`])
      ood({ roles: [id], permission: somePermission }, 'unknown role id');
    for (const id of [
      ...HOSTILE,
      `${somePermission}-unknown`,
      somePermission.toUpperCase(),
      somePermission.split(':')[0] ?? '',
    ])
      ood({ roles: [owner], permission: id }, 'unknown permission id');
    if (scopes.length > 0)
      for (const id of [...HOSTILE, scopes[0]!.toUpperCase(), 'widest'])
        ood({ roles: [owner], permission: somePermission, scope: id }, 'unknown scope id');
    else
      for (const id of ['own', 'all', ...HOSTILE])
        ood({ roles: [owner], permission: somePermission, scope: id }, 'a scope on a set without scopes');
    for (const id of [...HOSTILE, 'unknown-collection'])
      ood({ roles: [owner], collection: id, entry: 'anything' }, 'unknown collection');
  }
  return { formatVersion: VECTORS_FORMAT, set: { name: model.name, version: model.version }, vectors };
}
