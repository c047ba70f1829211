/**
 * The check-throughput policy (bench/check-policy.ts) expressed in policyc's generated module,
 * in the libraries TypeScript users pick instead, and as a hand-written inlined bitset (the floor).
 *
 * Every contender gets the same facts and answers the same pre-generated queries (columns of
 * small integers, see `Queries`). Whatever a library needs per query that is not the check
 * itself (strings, records with owner and group, entity JSON) is built once in setup and
 * looked up by index, so the timed loops measure the library's check, not the harness.
 *
 * Each `run(from, to)` is a separate hand-written loop (one function literal per contender and
 * workload) so that every call site in a timed loop stays monomorphic; it returns the number of
 * allowed answers, which the harness compares with the expected count (the results are sunk and
 * checked at once).
 */
import { pathToFileURL } from 'node:url';
import { AccessControl, type ConditionJSON } from 'accesscontrol';
import { createMongoAbility, subject as caslSubject, type MongoAbility, type RawRuleOf } from '@casl/ability';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { newEnforcer, newModelFromString } from 'casbin';
import { type CheckPolicy, LEVELS, type Queries, type Truth, type Workload } from './check-policy.js';

/** What a contender answers for one workload. */
export interface Runner {
  /** The answer to query `i` (agreement checks; not timed). */
  check(i: number): boolean;
  /** The timed loop over queries [from, to): the number of allowed answers. */
  run(from: number, to: number): number;
}

export interface WorkloadContext {
  readonly spec: CheckPolicy;
  readonly truth: Truth;
  readonly workload: Workload;
  readonly q: Queries;
  /** Known entries, then unknown ones: `q.item` indexes this for collection queries. */
  readonly entries: readonly string[];
  /** The compiled generated modules (JavaScript files) of the plain and scoped variants. */
  readonly modules: { readonly plain: string; readonly scoped: string };
}

export interface Contender {
  readonly name: string;
  /** How the policy is expressed, for the results page. */
  readonly how: string;
  /** Workloads this contender cannot express (with the reason); they are reported as n/a. */
  readonly cannot?: Partial<Record<Workload, string>>;
  setup(ctx: WorkloadContext): Promise<Runner>;
}

/** The subset of a generated module the benchmark uses. */
export interface PolicycModule {
  readonly Role: Readonly<Record<string, number>>;
  readonly Permission: Readonly<Record<string, number>>;
  readonly Scope: Readonly<Record<string, number>>;
  can(role: number, permission: number, scope?: number, targetIsSelf?: boolean): boolean;
  canUse(role: number, collection: string, entry: string): boolean;
  subject(roles: readonly number[]): {
    can(permission: number, scope?: number): boolean;
    canUse(collection: string, entry: string): boolean;
  };
  check(roles: readonly string[], permission: string, scope?: string): boolean;
}

let instance = 0;
/** A fresh instance of a generated module (its own functions and feedback, like one application). */
export async function importModule(file: string): Promise<PolicycModule> {
  return (await import(`${pathToFileURL(file).href}?instance=${++instance}`)) as PolicycModule;
}

/** Query columns renumbered into policyc's lockfile numbers (the same arrays when the numbers coincide). */
function policycColumns(
  ctx: WorkloadContext,
  m: PolicycModule,
): { role: Int32Array; item: Int32Array; level: Int32Array } {
  const { spec, q, workload } = ctx;
  const roleNo = spec.roles.map((r) => m.Role[r.name]!);
  const permNo = spec.permissions.map((p) => m.Permission[p.id]!);
  const scopeNo = LEVELS.map((l) => m.Scope[l] ?? 0);
  const identity = (xs: readonly number[]) => xs.every((x, i) => x === i);
  const sameRoles = workload === 'multi' || identity(roleNo);
  const sameItems = workload === 'collection' || identity(permNo);
  const sameLevels = workload !== 'scoped' || identity(scopeNo);
  const map = (col: Int32Array, to: readonly number[]) => Int32Array.from(col, (x) => to[x]!);
  return {
    role: sameRoles ? q.role : map(q.role, roleNo),
    item: sameItems ? q.item : map(q.item, permNo),
    level: sameLevels ? q.level : map(q.level, scopeNo),
  };
}

// ---------------------------------------------------------------------------------------------
// The floor: a Uint32Array bitset check written inline in the loop.

function bitRows(rows: number, words: number, set: (row: number, bit: (b: number) => void) => void): Uint32Array {
  const bits = new Uint32Array(rows * words);
  for (let r = 0; r < rows; r++) set(r, (b) => (bits[r * words + (b >>> 5)]! |= 1 << (b & 31)));
  return bits;
}

export const floor: Contender = {
  name: 'inlined bitset (floor)',
  how: 'hand-written `Uint32Array` rows built from the spec, the check written inline in the loop; collection entries pre-resolved to numbers',
  async setup(ctx) {
    const { spec, truth, q, workload } = ctx;
    const R = spec.roles.length;
    const P = spec.permissions.length;
    const W = (P + 31) >>> 5;
    const qr = q.role;
    const qp = q.item;
    const ql = q.level;
    if (workload === 'plain') {
      const bits = bitRows(R, W, (r, set) => spec.roles[r]!.grants.forEach((g) => set(g.permission)));
      return {
        check: (i) => ((bits[qr[i]! * W + (qp[i]! >>> 5)]! >>> (qp[i]! & 31)) & 1) === 1,
        run(from, to) {
          let n = 0;
          for (let i = from; i < to; i++) {
            const p = qp[i]!;
            if ((bits[qr[i]! * W + (p >>> 5)]! & (1 << (p & 31))) !== 0) n++;
          }
          return n;
        },
      };
    }
    if (workload === 'scoped') {
      const PLANE = R * W;
      const bits = bitRows(3 * R, W, (row, set) => {
        const l = Math.floor(row / R);
        spec.roles[row % R]!.grants.forEach((g) => g.level >= l && set(g.permission));
      });
      return {
        check: (i) => ((bits[ql[i]! * PLANE + qr[i]! * W + (qp[i]! >>> 5)]! >>> (qp[i]! & 31)) & 1) === 1,
        run(from, to) {
          let n = 0;
          for (let i = from; i < to; i++) {
            const p = qp[i]!;
            if ((bits[ql[i]! * PLANE + qr[i]! * W + (p >>> 5)]! & (1 << (p & 31))) !== 0) n++;
          }
          return n;
        },
      };
    }
    if (workload === 'multi') {
      // One precomputed union row per subject.
      const bits = bitRows(spec.subjects.length, W, (s, set) =>
        spec.subjects[s]!.forEach((r) => spec.roles[r]!.grants.forEach((g) => set(g.permission))),
      );
      return {
        check: (i) => ((bits[qr[i]! * W + (qp[i]! >>> 5)]! >>> (qp[i]! & 31)) & 1) === 1,
        run(from, to) {
          let n = 0;
          for (let i = from; i < to; i++) {
            const p = qp[i]!;
            if ((bits[qr[i]! * W + (p >>> 5)]! & (1 << (p & 31))) !== 0) n++;
          }
          return n;
        },
      };
    }
    // Collections: known entries have a number; an unknown entry was resolved ahead of time to its
    // nearest known ancestor (whose "covers unknown children" bit decides) or to none (the role's
    // "unknown top-level entry" bit decides).
    const K = spec.entries.length;
    const EW = (K + 31) >>> 5;
    const allowed = bitRows(R, EW, (r, set) => spec.entries.forEach((e, k) => truth.collection(r, e) && set(k)));
    const under = bitRows(R, EW, (r, set) =>
      spec.entries.forEach((e, k) => truth.collection(r, `${e}/~unknown`) && set(k)),
    );
    const top = Int32Array.from(spec.roles, (_, r) => (truth.collection(r, '~unknown') ? 1 : 0));
    const index = new Map(spec.entries.map((e, k) => [e, k]));
    const ancestor = Int32Array.from(ctx.entries, (e, k) => {
      if (k < K) return k;
      for (let path = e; path.includes('/'); ) {
        path = path.slice(0, path.lastIndexOf('/'));
        const a = index.get(path);
        if (a !== undefined) return a;
      }
      return -1;
    });
    const one = (r: number, e: number): number => {
      const a = ancestor[e]!;
      return e < K
        ? (allowed[r * EW + (e >>> 5)]! >>> (e & 31)) & 1
        : a < 0
          ? top[r]!
          : (under[r * EW + (a >>> 5)]! >>> (a & 31)) & 1;
    };
    return {
      check: (i) => one(qr[i]!, qp[i]!) === 1,
      run(from, to) {
        let n = 0;
        for (let i = from; i < to; i++) {
          const r = qr[i]!;
          const e = qp[i]!;
          const a = ancestor[e]!;
          if (
            e < K
              ? (allowed[r * EW + (e >>> 5)]! & (1 << (e & 31))) !== 0
              : a < 0
                ? top[r] === 1
                : (under[r * EW + (a >>> 5)]! & (1 << (a & 31))) !== 0
          )
            n++;
        }
        return n;
      },
    };
  },
};

// ---------------------------------------------------------------------------------------------
// policyc: the generated module, imported as an application would import it.

export const policyc: Contender = {
  name: 'policyc `can()`',
  how: 'the generated module (compiled to JavaScript, imported): `can(role, permission)`, `can(role, permission, scope)`, `subject(roles).can(permission)` (subjects combined once in setup), `canUse(role, "connectors", entry)`',
  async setup(ctx) {
    const m = await importModule(ctx.workload === 'scoped' ? ctx.modules.scoped : ctx.modules.plain);
    const { role: qr, item: qp, level: ql } = policycColumns(ctx, m);
    const can = m.can;
    if (ctx.workload === 'plain') {
      return {
        check: (i) => can(qr[i]!, qp[i]!),
        run(from, to) {
          let n = 0;
          for (let i = from; i < to; i++) if (can(qr[i]!, qp[i]!)) n++;
          return n;
        },
      };
    }
    if (ctx.workload === 'scoped') {
      return {
        check: (i) => can(qr[i]!, qp[i]!, ql[i]!),
        run(from, to) {
          let n = 0;
          for (let i = from; i < to; i++) if (can(qr[i]!, qp[i]!, ql[i]!)) n++;
          return n;
        },
      };
    }
    if (ctx.workload === 'multi') {
      const subjects = ctx.spec.subjects.map((rs) => m.subject(rs.map((r) => m.Role[ctx.spec.roles[r]!.name]!)));
      return {
        check: (i) => subjects[qr[i]!]!.can(qp[i]!),
        run(from, to) {
          let n = 0;
          for (let i = from; i < to; i++) if (subjects[qr[i]!]!.can(qp[i]!)) n++;
          return n;
        },
      };
    }
    const entries = ctx.entries;
    const canUse = m.canUse;
    return {
      check: (i) => canUse(qr[i]!, 'connectors', entries[qp[i]!]!),
      run(from, to) {
        let n = 0;
        for (let i = from; i < to; i++) if (canUse(qr[i]!, 'connectors', entries[qp[i]!]!)) n++;
        return n;
      },
    };
  },
};

export const policycCheck: Contender = {
  name: 'policyc `check()` (ids)',
  how: "the same module's convenience API by string ids: `check([roleId, …], permissionId, scopeId?)` (a Map lookup per id)",
  cannot: { collection: 'no id-based collection API besides `canUse`, measured above' },
  async setup(ctx) {
    const m = await importModule(ctx.workload === 'scoped' ? ctx.modules.scoped : ctx.modules.plain);
    const { spec, q } = ctx;
    const qr = q.role;
    const qp = q.item;
    const ql = q.level;
    const perm = spec.permissions.map((p) => p.id);
    const check = m.check;
    // Role id lists built once, as an application holds a user's roles.
    const roles =
      ctx.workload === 'multi'
        ? spec.subjects.map((rs) => rs.map((r) => spec.roles[r]!.name))
        : spec.roles.map((r) => [r.name]);
    if (ctx.workload === 'scoped') {
      return {
        check: (i) => check(roles[qr[i]!]!, perm[qp[i]!]!, LEVELS[ql[i]!]),
        run(from, to) {
          let n = 0;
          for (let i = from; i < to; i++) if (check(roles[qr[i]!]!, perm[qp[i]!]!, LEVELS[ql[i]!])) n++;
          return n;
        },
      };
    }
    return {
      check: (i) => check(roles[qr[i]!]!, perm[qp[i]!]!),
      run(from, to) {
        let n = 0;
        for (let i = from; i < to; i++) if (check(roles[qr[i]!]!, perm[qp[i]!]!)) n++;
        return n;
      },
    };
  },
};

// ---------------------------------------------------------------------------------------------
// Shared translations for the libraries.

/** The record a scoped query is about, as seen by user u0 of group g0: own, a group member's, someone else's. */
const RECORDS = [
  { ownerId: 'u0', groupId: 'g0' },
  { ownerId: 'u1', groupId: 'g0' },
  { ownerId: 'u2', groupId: 'g1' },
] as const;
const USER = { id: 'u0', groupId: 'g0' };

/** Every prefix of an entry path, itself included (`a/b/c` → a, a/b, a/b/c). */
function ancestorsOf(path: string): string[] {
  const parts = path.split('/');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}

// ---------------------------------------------------------------------------------------------
// CASL (@casl/ability): one ability per role (per subject for multi-role), built once.

type CaslAbility = MongoAbility<[string, string | object]>;

export const casl: Contender = {
  name: '@casl/ability',
  how: "`createMongoAbility` per role (per subject: the roles' rules concatenated); `ability.can(action, resource)`; scoped grants as conditions `{ ownerId }` (own) / `{ groupId }` (group) / none (all) checked against a pre-built `subject(type, record)`; connectors as `{ known, ancestors: { $in | $nin } }` conditions on a pre-built entry object",
  async setup(ctx) {
    const { spec, q, workload } = ctx;
    const qr = q.role;
    const qp = q.item;
    const ql = q.level;
    const act = spec.permissions.map((p) => p.action);
    const res = spec.permissions.map((p) => p.resource);
    const plainRules = (r: number): RawRuleOf<CaslAbility>[] =>
      spec.roles[r]!.grants.map((g) => ({ action: act[g.permission]!, subject: res[g.permission]! }));
    if (workload === 'plain' || workload === 'multi') {
      const abilities: CaslAbility[] =
        workload === 'plain'
          ? spec.roles.map((_, r) => createMongoAbility(plainRules(r)))
          : spec.subjects.map((rs) => createMongoAbility(rs.flatMap((r) => plainRules(r))));
      return {
        check: (i) => abilities[qr[i]!]!.can(act[qp[i]!]!, res[qp[i]!]!),
        run(from, to) {
          let n = 0;
          for (let i = from; i < to; i++) if (abilities[qr[i]!]!.can(act[qp[i]!]!, res[qp[i]!]!)) n++;
          return n;
        },
      };
    }
    if (workload === 'scoped') {
      const conditions = [{ ownerId: USER.id }, { groupId: USER.groupId }, undefined];
      const abilities = spec.roles.map((role) =>
        createMongoAbility<CaslAbility>(
          role.grants.map((g) => {
            const c = conditions[g.level];
            return c
              ? { action: act[g.permission]!, subject: res[g.permission]!, conditions: c }
              : { action: act[g.permission]!, subject: res[g.permission]! };
          }),
        ),
      );
      // One record object per resource type and scope, tagged with its subject type once.
      const records = spec.resources.map((r) => RECORDS.map((rec) => caslSubject(r, { ...rec })));
      const resNo = new Map(spec.resources.map((r, k) => [r, k]));
      const recOf = spec.permissions.map((p) => records[resNo.get(p.resource)!]!);
      return {
        check: (i) => abilities[qr[i]!]!.can(act[qp[i]!]!, recOf[qp[i]!]![ql[i]!]!),
        run(from, to) {
          let n = 0;
          for (let i = from; i < to; i++) if (abilities[qr[i]!]!.can(act[qp[i]!]!, recOf[qp[i]!]![ql[i]!]!)) n++;
          return n;
        },
      };
    }
    const abilities = spec.roles.map((role) => {
      const c = role.connectors;
      const rules: RawRuleOf<CaslAbility>[] = !c
        ? []
        : c.mode === 'all'
          ? [{ action: 'use', subject: 'Connector' }]
          : c.mode === 'allow'
            ? [{ action: 'use', subject: 'Connector', conditions: { ancestors: { $in: [...c.entries] } } }]
            : [{ action: 'use', subject: 'Connector', conditions: { ancestors: { $nin: [...c.entries] } } }];
      return createMongoAbility<CaslAbility>(rules);
    });
    const known = new Set(spec.entries);
    const objects = ctx.entries.map((e) =>
      caslSubject('Connector', { path: e, known: known.has(e), ancestors: ancestorsOf(e) }),
    );
    return {
      check: (i) => abilities[qr[i]!]!.can('use', objects[qp[i]!]!),
      run(from, to) {
        let n = 0;
        for (let i = from; i < to; i++) if (abilities[qr[i]!]!.can('use', objects[qp[i]!]!)) n++;
        return n;
      },
    };
  },
};

// ---------------------------------------------------------------------------------------------
// casbin (node-casbin): one enforcer, policy rows per grant, `enforceSync`.

const CASBIN_RBAC = `
[request_definition]
r = sub, obj, act
[policy_definition]
p = sub, obj, act
[role_definition]
g = _, _
[policy_effect]
e = some(where (p.eft == allow))
[matchers]
m = g(r.sub, p.sub) && r.obj == p.obj && r.act == p.act
`;

const CASBIN_SCOPED = `
[request_definition]
r = sub, obj, act, usr, rec
[policy_definition]
p = sub, obj, act, lvl
[role_definition]
g = _, _
[policy_effect]
e = some(where (p.eft == allow))
[matchers]
m = g(r.sub, p.sub) && r.obj == p.obj && r.act == p.act && (p.lvl == "all" || (p.lvl == "group" && r.rec.groupId == r.usr.groupId) || (p.lvl == "own" && r.rec.ownerId == r.usr.id))
`;

const CASBIN_COLLECTION = `
[request_definition]
r = sub, col, entry
[policy_definition]
p = sub, col, mode, entries
[role_definition]
g = _, _
[policy_effect]
e = some(where (p.eft == allow))
[matchers]
m = g(r.sub, p.sub) && r.col == p.col && entryRule(p.mode, p.entries, r.entry)
`;

export const casbin: Contender = {
  name: 'casbin',
  how: 'one enforcer with a policy row per grant and `g` rows for subjects; `enforceSync(role | user, resource, action)`; scoped: an ABAC matcher on the level column (`r.rec.groupId == r.usr.groupId`, `r.rec.ownerId == r.usr.id`); connectors: one row per role rule and a custom matcher function `entryRule(mode, entries, entry)`',
  async setup(ctx) {
    const { spec, q, workload } = ctx;
    const qr = q.role;
    const qp = q.item;
    const ql = q.level;
    const act = spec.permissions.map((p) => p.action);
    const res = spec.permissions.map((p) => p.resource);
    const roleName = spec.roles.map((r) => r.name);
    if (workload === 'plain' || workload === 'multi') {
      const e = await newEnforcer(newModelFromString(CASBIN_RBAC));
      await e.addPolicies(
        spec.roles.flatMap((role) => role.grants.map((g) => [role.name, res[g.permission]!, act[g.permission]!])),
      );
      const sub = workload === 'plain' ? roleName : spec.subjects.map((_, s) => `user${s}`);
      if (workload === 'multi')
        await e.addGroupingPolicies(spec.subjects.flatMap((rs, s) => rs.map((r) => [`user${s}`, roleName[r]!])));
      return {
        check: (i) => e.enforceSync(sub[qr[i]!], res[qp[i]!], act[qp[i]!]),
        run(from, to) {
          let n = 0;
          for (let i = from; i < to; i++) if (e.enforceSync(sub[qr[i]!], res[qp[i]!], act[qp[i]!])) n++;
          return n;
        },
      };
    }
    if (workload === 'scoped') {
      const e = await newEnforcer(newModelFromString(CASBIN_SCOPED));
      await e.addPolicies(
        spec.roles.flatMap((role) =>
          role.grants.map((g) => [role.name, res[g.permission]!, act[g.permission]!, LEVELS[g.level]]),
        ),
      );
      return {
        check: (i) => e.enforceSync(roleName[qr[i]!], res[qp[i]!], act[qp[i]!], USER, RECORDS[ql[i]!]),
        run(from, to) {
          let n = 0;
          for (let i = from; i < to; i++)
            if (e.enforceSync(roleName[qr[i]!], res[qp[i]!], act[qp[i]!], USER, RECORDS[ql[i]!])) n++;
          return n;
        },
      };
    }
    const e = await newEnforcer(newModelFromString(CASBIN_COLLECTION));
    const parsed = new Map<string, string[]>();
    await e.addFunction('entryRule', (...args: unknown[]) => {
      const [mode, list, entry] = args as [string, string, string];
      let listed = parsed.get(list);
      if (!listed) parsed.set(list, (listed = list === '' ? [] : list.split(' ')));
      const above = listed.some((x) => entry === x || entry.startsWith(`${x}/`));
      return mode === 'all' ? true : mode === 'allow' ? above : !above;
    });
    await e.addPolicies(
      spec.roles.flatMap((role) =>
        role.connectors ? [[role.name, 'connectors', role.connectors.mode, role.connectors.entries.join(' ')]] : [],
      ),
    );
    const entries = ctx.entries;
    return {
      check: (i) => e.enforceSync(roleName[qr[i]!], 'connectors', entries[qp[i]!]),
      run(from, to) {
        let n = 0;
        for (let i = from; i < to; i++) if (e.enforceSync(roleName[qr[i]!], 'connectors', entries[qp[i]!])) n++;
        return n;
      },
    };
  },
};

// ---------------------------------------------------------------------------------------------
// accesscontrol (v3): grants per role and resource, custom actions, `own` enforced by ownerField.

export const accesscontrol: Contender = {
  name: 'accesscontrol',
  how: '`ac.grant(role).action("<action>:any", resource)` per grant; `ac.can(role | roles).action(action, resource).granted`; scoped: own = `<action>:own` enforced with `ownerField`, group = `:any` with `.where("$.<resource>.groupId == $.user.groupId")`, all = `:any`, the check passes `{ user, <resource>: record }`; connectors: `use:any` with `.where()` conditions (`startsWith`, `not`) on `{ entry: { path, known } }`',
  async setup(ctx) {
    const { spec, q, workload } = ctx;
    const qr = q.role;
    const qp = q.item;
    const ql = q.level;
    const act = spec.permissions.map((p) => p.action);
    const res = spec.permissions.map((p) => p.resource);
    const roleName = spec.roles.map((r) => r.name);
    if (workload === 'plain' || workload === 'multi') {
      const ac = new AccessControl();
      for (const role of spec.roles) {
        const access = ac.grant(role.name);
        for (const g of role.grants) access.action(`${act[g.permission]}:any`, res[g.permission], ['*']);
      }
      const who: readonly (string | string[])[] =
        workload === 'plain' ? roleName : spec.subjects.map((rs) => rs.map((r) => roleName[r]!));
      return {
        check: (i) => ac.can(who[qr[i]!]!).action(act[qp[i]!]!, res[qp[i]!]).granted,
        run(from, to) {
          let n = 0;
          for (let i = from; i < to; i++) if (ac.can(who[qr[i]!]!).action(act[qp[i]!]!, res[qp[i]!]).granted) n++;
          return n;
        },
      };
    }
    if (workload === 'scoped') {
      const ac = new AccessControl({}, { policy: { ownerField: 'ownerId' } });
      for (const role of spec.roles) {
        for (const g of role.grants) {
          const a = act[g.permission]!;
          const r = res[g.permission]!;
          if (g.level === 0) ac.grant(role.name).action(`${a}:own`, r, ['*']);
          else if (g.level === 1)
            ac.grant(role.name).where(`$.${r}.groupId == $.user.groupId`).action(`${a}:any`, r, ['*']);
          else ac.grant(role.name).action(`${a}:any`, r, ['*']);
        }
      }
      // The check context per resource and scope, built once.
      const resNo = new Map(spec.resources.map((r, k) => [r, k]));
      const contexts = spec.resources.map((r) => RECORDS.map((rec) => ({ user: USER, [r]: { ...rec } })));
      const ctxOf = spec.permissions.map((p) => contexts[resNo.get(p.resource)!]!);
      const spec0 = spec.permissions.map((p) => [`${p.action}:own`, `${p.action}:any`, `${p.action}:any`]);
      return {
        check: (i) =>
          ac.can(roleName[qr[i]!]!, ctxOf[qp[i]!]![ql[i]!]).action(spec0[qp[i]!]![ql[i]!]!, res[qp[i]!]).granted,
        run(from, to) {
          let n = 0;
          for (let i = from; i < to; i++)
            if (ac.can(roleName[qr[i]!]!, ctxOf[qp[i]!]![ql[i]!]).action(spec0[qp[i]!]![ql[i]!]!, res[qp[i]!]).granted)
              n++;
          return n;
        },
      };
    }
    const ac = new AccessControl();
    for (const role of spec.roles) {
      const c = role.connectors;
      if (!c) {
        // A role without connectors still exists for accesscontrol (an unknown role is an error).
        ac.grant(role.name).action('noop:any', 'nothing', ['*']);
        continue;
      }
      const under: ConditionJSON = {
        or: c.entries.flatMap((e): ConditionJSON[] => [
          ['$.entry.path', '==', e],
          ['$.entry.path', 'startsWith', `${e}/`],
        ]),
      };
      if (c.mode === 'all') ac.grant(role.name).action('use:any', 'connectors', ['*']);
      else if (c.mode === 'allow') ac.grant(role.name).where(under).action('use:any', 'connectors', ['*']);
      else ac.grant(role.name).where({ not: under }).action('use:any', 'connectors', ['*']);
    }
    const known = new Set(spec.entries);
    const contexts = ctx.entries.map((e) => ({ entry: { path: e, known: known.has(e) } }));
    return {
      check: (i) => ac.can(roleName[qr[i]!]!, contexts[qp[i]!]).action('use', 'connectors').granted,
      run(from, to) {
        let n = 0;
        for (let i = from; i < to; i++)
          if (ac.can(roleName[qr[i]!]!, contexts[qp[i]!]).action('use', 'connectors').granted) n++;
        return n;
      },
    };
  },
};

// ---------------------------------------------------------------------------------------------
// Cedar (@cedar-policy/cedar-wasm): one preparsed policy set, `statefulIsAuthorized` per check.

let cedarSets = 0;

export const cedarWasm: Contender = {
  name: '@cedar-policy/cedar-wasm',
  how: 'one `permit(principal in Role::"…", action in [Action::"resource:action", …], resource)` per role (and level: `when { resource.group == principal.group }` / `when { resource.owner == principal }`), preparsed once (`preparsePolicySet`); `statefulIsAuthorized` per check with the principal (its roles as parents) and the record as entities; connectors: entry entities whose parents are their ancestors, `resource in Connector::"…"` (allow: `when`; except: `unless`)',
  async setup(ctx) {
    const { spec, q, workload } = ctx;
    const qr = q.role;
    const qp = q.item;
    const ql = q.level;
    const id = `bench-${workload}-${++cedarSets}`;
    const quote = (s: string) => JSON.stringify(s);
    const role = (r: number) => `Role::${quote(spec.roles[r]!.name)}`;
    const actions = (ps: readonly number[]) =>
      `[${ps.map((p) => `Action::${quote(spec.permissions[p]!.id)}`).join(', ')}]`;
    const policies: string[] = [];
    if (workload === 'collection') {
      spec.roles.forEach((rl, r) => {
        const c = rl.connectors;
        if (!c) return;
        const under = c.entries.map((e) => `resource in Connector::${quote(e)}`).join(' || ');
        const head = `permit(principal in ${role(r)}, action == Action::"use", resource is Connector)`;
        policies.push(
          c.mode === 'all'
            ? `${head};`
            : c.mode === 'allow'
              ? `${head} when { ${under} };`
              : `${head} unless { ${under} };`,
        );
      });
    } else {
      const conditions = ['when { resource.owner == principal }', 'when { resource.group == principal.group }', ''];
      spec.roles.forEach((rl, r) => {
        for (let level = 0; level < 3; level++) {
          const ps = rl.grants
            .filter((g) => (workload === 'scoped' ? g.level === level : level === 2))
            .map((g) => g.permission);
          if (ps.length > 0)
            policies.push(
              `permit(principal in ${role(r)}, action in ${actions(ps)}, resource)${workload === 'scoped' && conditions[level] ? ` ${conditions[level]}` : ''};`,
            );
        }
      });
    }
    const parsed = cedar.preparsePolicySet(id, { staticPolicies: policies.join('\n') });
    if (parsed.type !== 'success') throw new Error(`cedar: ${JSON.stringify(parsed)}`);
    const user = (roles: readonly number[]) => ({
      uid: { type: 'User', id: 'u0' },
      attrs: { group: USER.groupId },
      parents: roles.map((r) => ({ type: 'Role', id: spec.roles[r]!.name })),
    });
    const principal = { type: 'User', id: 'u0' };
    const actionOf = spec.permissions.map((p) => ({ type: 'Action', id: p.id }));
    const allowed = (answer: cedar.AuthorizationAnswer) =>
      answer.type === 'success' && answer.response.decision === 'allow';
    if (workload === 'collection') {
      const known = new Set(spec.entries);
      const entities = ctx.entries.map((e) => ({
        uid: { type: 'Connector', id: e },
        attrs: { known: known.has(e) },
        parents: ancestorsOf(e)
          .slice(0, -1)
          .map((a) => ({ type: 'Connector', id: a })),
      }));
      const users = spec.roles.map((_, r) => user([r]));
      const use = { type: 'Action', id: 'use' };
      const one = (r: number, e: number) =>
        allowed(
          cedar.statefulIsAuthorized({
            principal,
            action: use,
            resource: entities[e]!.uid,
            context: {},
            preparsedPolicySetId: id,
            entities: [users[r]!, entities[e]!],
          }),
        );
      return {
        check: (i) => one(qr[i]!, qp[i]!),
        run(from, to) {
          let n = 0;
          for (let i = from; i < to; i++) {
            const r = qr[i]!;
            const e = qp[i]!;
            if (
              allowed(
                cedar.statefulIsAuthorized({
                  principal,
                  action: use,
                  resource: entities[e]!.uid,
                  context: {},
                  preparsedPolicySetId: id,
                  entities: [users[r]!, entities[e]!],
                }),
              )
            )
              n++;
          }
          return n;
        },
      };
    }
    if (workload === 'scoped') {
      const users = spec.roles.map((_, r) => user([r]));
      const records = RECORDS.map((rec, k) => ({
        uid: { type: 'Record', id: `record${k}` },
        attrs: { owner: { __entity: { type: 'User', id: rec.ownerId } }, group: rec.groupId },
        parents: [],
      }));
      const entities = users.map((u) => records.map((rec) => [u, rec]));
      return {
        check: (i) =>
          allowed(
            cedar.statefulIsAuthorized({
              principal,
              action: actionOf[qp[i]!]!,
              resource: records[ql[i]!]!.uid,
              context: {},
              preparsedPolicySetId: id,
              entities: entities[qr[i]!]![ql[i]!]!,
            }),
          ),
        run(from, to) {
          let n = 0;
          for (let i = from; i < to; i++) {
            const l = ql[i]!;
            if (
              allowed(
                cedar.statefulIsAuthorized({
                  principal,
                  action: actionOf[qp[i]!]!,
                  resource: records[l]!.uid,
                  context: {},
                  preparsedPolicySetId: id,
                  entities: entities[qr[i]!]![l]!,
                }),
              )
            )
              n++;
          }
          return n;
        },
      };
    }
    const users = workload === 'plain' ? spec.roles.map((_, r) => [user([r])]) : spec.subjects.map((rs) => [user(rs)]);
    const resourceOf = spec.permissions.map((p) => ({ type: 'Resource', id: p.resource }));
    return {
      check: (i) =>
        allowed(
          cedar.statefulIsAuthorized({
            principal,
            action: actionOf[qp[i]!]!,
            resource: resourceOf[qp[i]!]!,
            context: {},
            preparsedPolicySetId: id,
            entities: users[qr[i]!]!,
          }),
        ),
      run(from, to) {
        let n = 0;
        for (let i = from; i < to; i++) {
          const p = qp[i]!;
          if (
            allowed(
              cedar.statefulIsAuthorized({
                principal,
                action: actionOf[p]!,
                resource: resourceOf[p]!,
                context: {},
                preparsedPolicySetId: id,
                entities: users[qr[i]!]!,
              }),
            )
          )
            n++;
        }
        return n;
      },
    };
  },
};

export const CONTENDERS: readonly Contender[] = [floor, policyc, policycCheck, casl, casbin, accesscontrol, cedarWasm];
