import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { parseAllDocuments } from 'yaml';
import { ROOT } from './sets.js';

/**
 * An oracle for generated modules that stands apart from the compiler: it reads the set's YAML
 * documents itself (the `yaml` package, then ajv against schemas/policyc-v1.schema.json) and
 * restates the language's rules from docs/language.md, importing nothing from src/. The reference
 * evaluator (src/evaluate) reads the resolved model, so a bug in src/resolve reaches both it
 * and the generated tables; this oracle does not share that front end. It answers for known
 * ids and entries only (the rule for entries unknown at build time is the reference
 * evaluator's and the differential test's business).
 */

interface Grant {
  readonly target: string;
  readonly level: string | undefined;
}

interface DeclaredRole {
  readonly name: string;
  readonly previousNames: readonly string[];
  readonly inherits: readonly string[];
  readonly grants: readonly Grant[];
  readonly collections: ReadonlyMap<
    string,
    { readonly mode: 'all' | 'allow' | 'except'; readonly entries: readonly string[] }
  >;
}

interface DeclaredPermission {
  readonly id: string;
  readonly resource: string;
  readonly action: string;
  readonly scoped: boolean;
  readonly selfRestricted: boolean;
  readonly previousNames: readonly string[];
}

/** A set as its documents declare it. */
export interface DeclaredSet {
  readonly scopes: readonly string[];
  readonly defaultRole: string | undefined;
  readonly retired: ReadonlyMap<string, string>;
  readonly implies: ReadonlyMap<string, readonly string[]>;
  readonly permissions: readonly DeclaredPermission[];
  readonly roles: readonly DeclaredRole[];
  readonly collections: ReadonlyMap<string, readonly string[]>;
}

let validator: ValidateFunction | undefined;

/** The JSON Schema of policyc/v1, compiled by ajv on its own (not through src/validate). */
function validate(doc: unknown): void {
  if (!validator) {
    const schema = JSON.parse(readFileSync(path.join(ROOT, 'schemas/policyc-v1.schema.json'), 'utf8')) as object;
    const ajv = new Ajv2020({ allErrors: true, strict: false, allowUnionTypes: true });
    validator = ajv.compile(schema);
  }
  if (!validator(doc)) throw new Error(`a document fails the schema: ${JSON.stringify(validator.errors?.slice(0, 3))}`);
}

type Doc = { kind: string; metadata: Record<string, unknown>; spec: Record<string, unknown> };

/** Reads a set's YAML files (file name to text) into its declarations. */
export function declaredSet(files: Record<string, string>): DeclaredSet {
  const docs: Doc[] = [];
  for (const text of Object.values(files)) {
    for (const d of parseAllDocuments(text)) {
      const value = d.toJS() as unknown;
      if (value === null || value === undefined) continue;
      validate(value);
      docs.push(value as Doc);
    }
  }
  const of = (kind: string) => docs.filter((d) => d.kind === kind);
  const set = of('PolicySet')[0]!.spec as {
    scopes?: { name: string }[];
    defaultRole?: string;
    retiredRoles?: { name: string; transferTo: string }[];
  };
  const implies = new Map<string, string[]>();
  const permissions: DeclaredPermission[] = [];
  const collections = new Map<string, string[]>();
  for (const c of of('Catalog')) {
    const spec = c.spec as {
      actions?: { name: string; implies?: string[] }[];
      permissions?: { id: string; scoped?: boolean; selfRestricted?: boolean; previousNames?: string[] }[];
      collections?: { name: string; entries?: (string | { path: string })[] }[];
    };
    for (const a of spec.actions ?? []) implies.set(a.name, a.implies ?? []);
    for (const p of spec.permissions ?? []) {
      const at = p.id.lastIndexOf(':');
      permissions.push({
        id: p.id,
        resource: p.id.slice(0, at),
        action: p.id.slice(at + 1),
        scoped: p.scoped === true,
        selfRestricted: p.selfRestricted === true,
        previousNames: p.previousNames ?? [],
      });
    }
    for (const col of spec.collections ?? [])
      collections.set(
        col.name,
        (col.entries ?? []).map((e) => (typeof e === 'string' ? e : e.path)),
      );
  }
  const roles = of('Role').map((r): DeclaredRole => {
    const spec = r.spec as {
      inherits?: string[];
      grants?: (string | Record<string, string>)[];
      collections?: Record<string, { mode: 'all' | 'allow' | 'except'; entries?: string[] }>;
    };
    return {
      name: r.metadata.name as string,
      previousNames: (r.metadata.previousNames as string[] | undefined) ?? [],
      inherits: spec.inherits ?? [],
      grants: (spec.grants ?? []).map((g) =>
        typeof g === 'string'
          ? { target: g, level: undefined }
          : { target: Object.keys(g)[0]!, level: Object.values(g)[0] },
      ),
      collections: new Map(
        Object.entries(spec.collections ?? {}).map(([name, rule]) => [
          name,
          { mode: rule.mode, entries: rule.entries ?? [] },
        ]),
      ),
    };
  });
  return {
    scopes: (set.scopes ?? []).map((s) => s.name),
    defaultRole: set.defaultRole,
    retired: new Map((set.retiredRoles ?? []).map((r) => [r.name, r.transferTo])),
    implies,
    permissions,
    roles,
    collections,
  };
}

/** The role a key (current or previous) names. */
function roleOf(set: DeclaredSet, key: string): DeclaredRole {
  const r = set.roles.find((x) => x.name === key) ?? set.roles.find((x) => x.previousNames.includes(key));
  if (!r) throw new Error(`no role ${key}`);
  return r;
}

function permissionOf(set: DeclaredSet, id: string): DeclaredPermission {
  const p = set.permissions.find((x) => x.id === id) ?? set.permissions.find((x) => x.previousNames.includes(id));
  if (!p) throw new Error(`no permission ${id}`);
  return p;
}

/** A role and every role it inherits from, through previous names too. */
function lineage(set: DeclaredSet, key: string): DeclaredRole[] {
  const out: DeclaredRole[] = [];
  const visit = (k: string) => {
    const r = roleOf(set, k);
    if (out.includes(r)) return;
    out.push(r);
    for (const parent of r.inherits) visit(parent);
  };
  visit(key);
  return out;
}

/** Whether action `from` gives action `to`: itself, or by implications followed transitively. */
function gives(set: DeclaredSet, from: string, to: string): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const a = stack.pop()!;
    if (a === to) return true;
    if (seen.has(a)) continue;
    seen.add(a);
    stack.push(...(set.implies.get(a) ?? []));
  }
  return false;
}

/** The widest level index (0 = narrowest) at which `role` holds `permission`, or -1. */
export function declaredLevel(set: DeclaredSet, role: string, permission: string): number {
  const p = permissionOf(set, permission);
  const widest = Math.max(1, set.scopes.length) - 1;
  let best = -1;
  for (const r of lineage(set, role)) {
    for (const g of r.grants) {
      const named =
        g.target === '*'
          ? set.permissions
          : g.target.endsWith(':*')
            ? set.permissions.filter((q) => q.resource === g.target.slice(0, -2))
            : [permissionOf(set, g.target)];
      const level = g.level === undefined ? widest : set.scopes.indexOf(g.level);
      for (const q of named) {
        if (q.resource === p.resource && gives(set, q.action, p.action))
          best = Math.max(best, p.scoped ? level : widest);
      }
    }
  }
  return best;
}

/** Whether `roles` may use the known entry `entry` of `collection`. */
export function declaredUse(set: DeclaredSet, roles: readonly string[], collection: string, entry: string): boolean {
  const under = (listed: readonly string[]) => listed.some((e) => entry === e || entry.startsWith(`${e}/`));
  return roles.some((key) =>
    lineage(set, key).some((r) => {
      const rule = r.collections.get(collection);
      if (!rule) return false;
      return rule.mode === 'all' ? true : rule.mode === 'allow' ? under(rule.entries) : !under(rule.entries);
    }),
  );
}

/** The parts of a generated module the oracle asks. */
export interface OracleModule {
  readonly Permission: Record<string, number>;
  readonly Role: Record<string, number>;
  readonly Scope: Record<string, number>;
  can(role: number, permission: number, scope?: number, self?: boolean): boolean;
  check(roles: string | readonly string[], permission: string, scope?: string, self?: boolean): boolean;
  canUse(role: number, collection: string, entry: string): boolean;
  widestScope(role: number, permission: number): number | undefined;
  roleNo(id: string): number | undefined;
  permissionNo(id: string): number | undefined;
  transferTarget(id: string): string | undefined;
  storedRoles(ids: readonly string[]): { roles: readonly string[]; unknown: readonly string[] };
}

/** Every disagreement between a generated module and the declarations it was built from. */
export function disagreements(set: DeclaredSet, g: OracleModule, limit = 20): string[] {
  const out: string[] = [];
  const say = (s: string) => {
    if (out.length < limit) out.push(s);
  };
  const scopes: (string | undefined)[] = [undefined, ...set.scopes];
  const widest = Math.max(1, set.scopes.length) - 1;
  const levelOf = (s: string | undefined) => (s === undefined ? widest : set.scopes.indexOf(s));
  const subjects: { label: string; ids: string[]; level: (p: string) => number }[] = set.roles.map((r) => ({
    label: r.name,
    ids: [r.name],
    level: (p: string) => declaredLevel(set, r.name, p),
  }));
  if (set.defaultRole !== undefined)
    subjects.push({ label: '[] (default role)', ids: [], level: (p) => declaredLevel(set, set.defaultRole!, p) });
  for (const subject of subjects) {
    const role = subject.ids.length === 1 ? g.Role[subject.ids[0]!] : undefined;
    for (const p of set.permissions) {
      const held = subject.level(p.id);
      for (const s of scopes) {
        for (const self of [false, true]) {
          const want = held >= 0 && held >= levelOf(s) && !(self && p.selfRestricted);
          const viaIds = g.check(subject.ids, p.id, s, self);
          if (viaIds !== want)
            say(`check(${subject.label}, ${p.id}, ${s ?? 'default'}, self=${self}) = ${viaIds}, declared ${want}`);
          if (role !== undefined) {
            const viaNumbers = g.can(role, g.Permission[p.id]!, s === undefined ? undefined : g.Scope[s], self);
            if (viaNumbers !== want)
              say(`can(${subject.label}, ${p.id}, ${s ?? 'default'}, self=${self}) = ${viaNumbers}, declared ${want}`);
          }
        }
      }
      if (role !== undefined && set.scopes.length > 0) {
        const got = g.widestScope(role, g.Permission[p.id]!);
        const want = held < 0 ? undefined : g.Scope[set.scopes[held]!];
        if (got !== want)
          say(
            `widestScope(${subject.label}, ${p.id}) = ${got}, declared ${want} (${held < 0 ? 'none' : set.scopes[held]})`,
          );
      }
    }
    if (role !== undefined) {
      for (const [c, entries] of set.collections) {
        for (const e of entries) {
          const want = declaredUse(set, subject.ids, c, e);
          const got = g.canUse(role, c, e);
          if (got !== want) say(`canUse(${subject.label}, ${c}, ${e}) = ${got}, declared ${want}`);
        }
      }
    }
  }
  // Old names: a renamed role or permission keeps its number; a retired role follows its transfer.
  for (const r of set.roles) {
    for (const old of r.previousNames) {
      if (g.roleNo(old) !== g.Role[r.name])
        say(`roleNo(${old}) = ${g.roleNo(old)}, declared the number of ${r.name} (${g.Role[r.name]})`);
      if (g.transferTarget(old) !== r.name)
        say(`transferTarget(${old}) = ${g.transferTarget(old)}, declared ${r.name}`);
      const stored = g.storedRoles([old]);
      if (stored.roles.join() !== r.name)
        say(`storedRoles([${old}]).roles = ${stored.roles.join()}, declared ${r.name}`);
    }
  }
  for (const [old, to] of set.retired) {
    const target = roleOf(set, to).name;
    if (g.transferTarget(old) !== target) say(`transferTarget(${old}) = ${g.transferTarget(old)}, declared ${target}`);
    if (g.roleNo(old) !== undefined) say(`roleNo(${old}) = ${g.roleNo(old)} for a retired role`);
  }
  for (const p of set.permissions) {
    for (const old of p.previousNames)
      if (g.permissionNo(old) !== g.Permission[p.id])
        say(`permissionNo(${old}) = ${g.permissionNo(old)}, declared the number of ${p.id}`);
  }
  return out;
}
