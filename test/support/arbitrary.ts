import fc from 'fast-check';
import { analyzeSet, type Analysis } from '../../src/analyze.js';
import type { SetSource } from '../../src/load/source.js';
import type { CollectionInfo, CollectionMode, Model } from '../../src/model/model.js';
import { foldTitle } from '../../src/language/title-fold.js';
import { foldKey } from '../../src/resolve/names.js';
import { memorySet } from './sets.js';

/**
 * fast-check generators of random, VALID policy sets (zero errors; warnings allowed), and of
 * access questions over their models. Generation draws plain numbers and maps them onto a
 * `PolicySpec` (an abstract description of the set), so every draw, and every shrink, is a
 * valid set; `renderSet` then writes the spec out as YAML files. Tests that need a variant of a
 * set (one more role, one more grant) edit the spec and render it again.
 */

// ---------------------------------------------------------------------------------------------
// The abstract description of a generated set.

export interface ScopeSpec {
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
}

export interface ActionSpec {
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  /** Direct implications, by action key; the implication graph is acyclic. */
  readonly implies: readonly string[];
  /** Index of the Catalog document that declares it. */
  readonly doc: number;
}

export interface CategorySpec {
  readonly name: string;
  readonly title: string;
  readonly description?: string;
  readonly doc: number;
}

export interface ResourceSpec {
  readonly name: string;
  readonly title: string;
  readonly description?: string;
  readonly category?: string;
  readonly doc: number;
}

export interface PermissionSpec {
  /** `resource:action`. */
  readonly id: string;
  readonly resource: string;
  readonly action: string;
  readonly title: string;
  readonly description?: string;
  /** Explicit category (overrides the resource's). */
  readonly category?: string;
  readonly scoped: boolean;
  readonly selfRestricted: boolean;
  readonly sensitive: boolean;
  readonly previousNames: readonly string[];
  readonly doc: number;
}

export interface EntrySpec {
  readonly path: string;
  readonly title?: string;
  readonly description?: string;
  /** Written as a mapping (`- path: …`) rather than a plain string. */
  readonly asObject: boolean;
}

export interface CollectionSpec {
  readonly name: string;
  readonly title: string;
  readonly description?: string;
  /** The modes roles may use; undefined: the field is omitted (all three). */
  readonly modes?: readonly CollectionMode[];
  /** Declared entries in declaration order; their ancestors exist implicitly. */
  readonly entries: readonly EntrySpec[];
  readonly doc: number;
}

/** A grant as written: `target` alone, or `target: level`. */
export interface GrantSpec {
  /** `*`, `resource:*`, or a permission id (possibly a previous name of one). */
  readonly target: string;
  readonly level?: string;
}

export interface CollectionRuleSpec {
  readonly collection: string;
  readonly mode: CollectionMode;
  /** Present for `allow` and `except` (at least one entry). */
  readonly entries?: readonly string[];
}

export interface RoleSpec {
  readonly name: string;
  readonly title: string;
  readonly description?: string;
  readonly previousNames: readonly string[];
  /** Parents as written (a parent's current key or one of its previous names). */
  readonly inherits: readonly string[];
  readonly grants: readonly GrantSpec[];
  readonly collections: readonly CollectionRuleSpec[];
  /** The file the role's document goes to; default `roles/added.yaml`. */
  readonly file?: string;
}

export interface RetiredRoleSpec {
  readonly name: string;
  readonly transferTo: string;
  readonly reason?: string;
}

export interface UserSpec {
  readonly name: string;
  readonly title?: string;
  /** Roles as written (current keys or previous names); empty: the set's defaultRole. */
  readonly roles: readonly string[];
  /** Index of the Assignments document that lists the user. */
  readonly doc: number;
}

export interface LayoutSpec {
  readonly policySetFile: string;
  /** One file per Catalog document (several documents may share a file). */
  readonly catalogFiles: readonly string[];
  /** One file per Assignments document. */
  readonly assignmentFiles: readonly string[];
  /** Key lists in flow style (`[a, b]`) instead of block style. */
  readonly flow: boolean;
  /** Sprinkle comments and a leading `---`. */
  readonly comments: boolean;
}

/** Everything a generated set declares, in declaration order. */
export interface PolicySpec {
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly version: string;
  /** Narrowest first. */
  readonly scopes: readonly ScopeSpec[];
  readonly defaultRole?: string;
  readonly ownerRole?: string;
  readonly retiredRoles: readonly RetiredRoleSpec[];
  readonly actions: readonly ActionSpec[];
  readonly categories: readonly CategorySpec[];
  readonly resources: readonly ResourceSpec[];
  readonly permissions: readonly PermissionSpec[];
  readonly collections: readonly CollectionSpec[];
  readonly roles: readonly RoleSpec[];
  readonly users: readonly UserSpec[];
  readonly layout: LayoutSpec;
}

/** A generated set: its YAML files, the SetSource to analyse, and the spec it was written from. */
export interface GeneratedSet {
  readonly name: string;
  /** File name (relative to the set folder) to YAML text. */
  readonly files: Record<string, string>;
  /** `memorySet(name, files)`: files in path order. */
  readonly source: SetSource;
  readonly spec: PolicySpec;
}

export interface PolicySetOptions {
  /** Scope levels (default 0–4; 0 gives an unscoped set). */
  readonly minScopes?: number;
  readonly maxScopes?: number;
  /** Actions (default 1–8). */
  readonly maxActions?: number;
  /** Resources (default 1–6). */
  readonly maxResources?: number;
  /** Collections (default 0–2). */
  readonly minCollections?: number;
  readonly maxCollections?: number;
  /** Roles (default 1–10). */
  readonly minRoles?: number;
  readonly maxRoles?: number;
  /** Users (default 0–6). */
  readonly maxUsers?: number;
  /** Hostile-but-valid keys and titles (`__proto__`, quotes, `*\/`, `${x}`, emoji, newlines). Default true. */
  readonly hostile?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Keys and text.

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const KEY_START = `${LOWER}${LOWER.toUpperCase()}_0123456789`.split('');
const KEY_REST = `${LOWER}0123456789_.-`.split('');

/** Keys that are valid but trip naive code: prototype members, reserved words, YAML specials, separators. */
export const HOSTILE_KEYS: readonly string[] = [
  '__proto__',
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'prototype',
  '__defineGetter__',
  'then',
  'length',
  'name',
  'default',
  'class',
  'delete',
  'new',
  'null',
  'true',
  'no',
  'on',
  '0',
  '1.0',
  '0x1F',
  '1e3',
  'NaN',
  'a.b',
  'a.b.c',
  'x_y',
  'x-y',
  '_',
  '__',
  '_0',
  'own',
  'all',
];

/**
 * Pieces of hostile display text: quotes, comment terminators, template holes, emoji, line
 * separators. Control characters (a line feed, a tab) are refused in titles (PC111), so valid
 * sets do not hold them; test/corpus and test/hostile-text.test.ts cover them.
 */
export const HOSTILE_TEXT: readonly string[] = [
  '"',
  "'",
  '`',
  '*/',
  '/*',
  '${x}',
  '\\',
  '\\n',
  '😀',
  '👩‍💻',
  'é',
  'Ω',
  '</script>',
  '#',
  ': ',
  '- ',
  '&a',
  '*',
  '!',
  '%',
  '@',
  '{}',
  '[',
  '\u00a0',
  '\u2028',
  '\u202e',
  '---',
  '"""',
  'null',
  '0x10',
  '  ',
];

const WORDS = [
  'View',
  'Edit',
  'Team',
  'Lead',
  'Admin',
  'Records',
  'All',
  'Own',
  'Group',
  'Manage',
  'Users',
  'Sales',
  'Reports',
];

function keyArb(hostile: boolean): fc.Arbitrary<string> {
  const plain = fc
    .tuple(fc.constantFrom(...KEY_START), fc.string({ unit: fc.constantFrom(...KEY_REST), maxLength: 7 }))
    .map(([a, b]) => a + b);
  return hostile
    ? fc.oneof({ weight: 3, arbitrary: plain }, { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_KEYS) })
    : plain;
}

function userNameArb(hostile: boolean): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: keyArb(hostile) },
    { weight: 1, arbitrary: keyArb(false).map((k) => `${k}@example.com`) },
    { weight: 1, arbitrary: keyArb(false).map((k) => `${k}+ops`) },
  );
}

function textArb(hostile: boolean): fc.Arbitrary<string> {
  const word = fc.constantFrom(...WORDS);
  const piece = hostile
    ? fc.oneof({ weight: 3, arbitrary: word }, { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_TEXT) })
    : word;
  return fc.array(piece, { minLength: 1, maxLength: 5 }).map((parts) => {
    const t = parts.join(' ');
    return /\S/.test(t) ? t : `${t}x`;
  });
}

/** `arb` about `percent`% of the time, otherwise undefined (shrinks towards undefined). */
function maybe<T>(arb: fc.Arbitrary<T>, percent = 50): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: 100 - percent, arbitrary: fc.constant(undefined) }, { weight: percent, arbitrary: arb });
}

/** True with probability about `percent`%. */
function chance(percent: number): fc.Arbitrary<boolean> {
  return fc.integer({ min: 0, max: 99 }).map((n) => n < percent);
}

/**
 * Keys of one kind, unique once folded (`Sales-Agent` and `sales_agent` collide, PC403): a key
 * that collides gets a numeric suffix.
 */
export class KeyPool {
  private readonly folded = new Set<string>();

  constructor(taken: Iterable<string> = []) {
    for (const k of taken) this.folded.add(foldKey(k));
  }

  take(base: string): string {
    let key = base;
    for (let n = 2; this.folded.has(foldKey(key)); n++) key = `${base}_${n}`;
    this.folded.add(foldKey(key));
    return key;
  }
}

/** Role titles, unique once folded (PC402). */
class TitlePool {
  private readonly folded = new Set<string>();

  take(base: string): string {
    let title = base;
    for (let n = 2; this.folded.has(foldTitle(title)); n++) title = `${base} (${n})`;
    this.folded.add(foldTitle(title));
    return title;
  }
}

// ---------------------------------------------------------------------------------------------
// Raw draws.

function rawArb(o: Required<PolicySetOptions>) {
  const key = keyArb(o.hostile);
  const text = textArb(o.hostile);
  const nat = fc.nat({ max: 1000 });
  return fc.record({
    name: keyArb(o.hostile),
    version: fc.tuple(
      fc.nat({ max: 12 }),
      fc.nat({ max: 30 }),
      fc.nat({ max: 99 }),
      maybe(fc.constantFrom('alpha.1', 'rc.2', '0'), 25),
    ),
    title: maybe(text),
    description: maybe(text),
    scopes: fc.array(fc.record({ key, title: maybe(text), description: maybe(text) }), {
      minLength: o.minScopes,
      maxLength: o.maxScopes,
    }),
    actions: fc.array(
      fc.record({
        key,
        title: maybe(text),
        description: maybe(text),
        implies: fc.array(nat, { maxLength: 3 }),
        rank: nat,
        doc: nat,
      }),
      { minLength: 1, maxLength: o.maxActions },
    ),
    categories: fc.array(fc.record({ key, title: text, description: maybe(text), doc: nat }), { maxLength: 3 }),
    resources: fc.array(
      fc.record({
        key,
        title: text,
        description: maybe(text),
        category: maybe(nat),
        doc: nat,
        permissions: fc.array(
          fc.record({
            action: nat,
            scoped: chance(60),
            selfRestricted: chance(20),
            sensitive: chance(20),
            category: maybe(nat, 25),
            title: text,
            description: maybe(text),
            previousName: maybe(key, 10),
            doc: nat,
          }),
          { maxLength: o.maxActions },
        ),
      }),
      { minLength: 1, maxLength: o.maxResources },
    ),
    collections: fc.array(
      fc.record({
        key,
        title: text,
        description: maybe(text),
        modes: maybe(fc.shuffledSubarray(['all', 'allow', 'except'] as CollectionMode[], { minLength: 1 })),
        segments: fc.uniqueArray(key, { minLength: 1, maxLength: 4 }),
        entries: fc.array(
          fc.record({
            path: fc.array(nat, { minLength: 1, maxLength: 3 }),
            ancestors: fc.constantFrom('none', 'before', 'after'),
            title: maybe(text),
            description: maybe(text, 20),
            asObject: fc.boolean(),
          }),
          { maxLength: 7 },
        ),
        doc: nat,
      }),
      { minLength: o.minCollections, maxLength: o.maxCollections },
    ),
    roles: fc.array(
      fc.record({
        key,
        title: text,
        description: maybe(text, 85),
        previousName: maybe(key, 10),
        parents: fc.array(nat, { maxLength: 3 }),
        parentByOldName: chance(30),
        grants: fc.array(fc.record({ kind: fc.nat({ max: 9 }), target: nat, level: nat, byOldName: chance(20) }), {
          maxLength: 6,
        }),
        rules: fc.array(
          fc.record({ collection: nat, mode: nat, entries: fc.array(nat, { minLength: 1, maxLength: 3 }) }),
          { maxLength: 2 },
        ),
        rank: nat,
        file: nat,
      }),
      { minLength: o.minRoles, maxLength: o.maxRoles },
    ),
    owner: maybe(nat),
    ownerGrantsAll: chance(75),
    defaultRole: maybe(nat, 60),
    retired: maybe(fc.record({ key, target: nat, reason: maybe(text) }), 15),
    users: fc.array(
      fc.record({
        name: userNameArb(o.hostile),
        title: maybe(text),
        roles: fc.array(nat, { maxLength: 3 }),
        byOldName: chance(20),
        doc: nat,
      }),
      { maxLength: o.maxUsers },
    ),
    layout: fc.record({
      mode: fc.constantFrom('single', 'split', 'mixed'),
      catalogDocs: fc.integer({ min: 1, max: 3 }),
      assignmentDocs: fc.integer({ min: 1, max: 2 }),
      files: fc.array(nat, { minLength: 6, maxLength: 6 }),
      flow: fc.boolean(),
      comments: fc.boolean(),
    }),
  });
}

type Raw = ReturnType<typeof rawArb> extends fc.Arbitrary<infer T> ? T : never;

const MIXED_FILES = ['a.yaml', 'b.yml', 'm/policy.yaml', 'z.yaml', 'policyset.yaml'];

/** Maps raw numbers onto a valid spec. */
function buildSpec(r: Raw): PolicySpec {
  const pick = <T>(items: readonly T[], n: number): T => items[n % items.length]!;
  const dedupe = <T>(items: readonly T[], by: (t: T) => string = String): T[] => {
    const seen = new Set<string>();
    return items.filter((t) => {
      if (seen.has(by(t))) return false;
      seen.add(by(t));
      return true;
    });
  };
  const catalogDocs = r.layout.catalogDocs;

  // Layout.
  const fileOf = (kind: 'policyset' | 'catalog' | 'role' | 'assignments', n: number): string => {
    switch (r.layout.mode) {
      case 'single':
        return 'policy.yaml';
      case 'mixed':
        return pick(MIXED_FILES, n);
      case 'split':
        return kind === 'policyset'
          ? 'policyset.yaml'
          : kind === 'catalog'
            ? r.layout.files[0]! % 2 === 0
              ? 'catalog.yaml'
              : `catalog/${n % catalogDocs}.yaml`
            : kind === 'role'
              ? `roles/${n % 4}.yaml`
              : `assignments-${n}.yml`;
    }
  };
  const f = r.layout.files;
  const layout: LayoutSpec = {
    policySetFile: fileOf('policyset', f[1]!),
    catalogFiles: Array.from({ length: catalogDocs }, (_, i) =>
      fileOf('catalog', r.layout.mode === 'split' ? i : f[2 + (i % 3)]! + i),
    ),
    assignmentFiles: Array.from({ length: r.layout.assignmentDocs }, (_, i) =>
      fileOf('assignments', r.layout.mode === 'split' ? i : f[5]! + i),
    ),
    flow: r.layout.flow,
    comments: r.layout.comments,
  };

  // Scopes.
  const scopeKeys = new KeyPool();
  const scopes: ScopeSpec[] = r.scopes.map((s) => ({
    name: scopeKeys.take(s.key),
    title: s.title,
    description: s.description,
  }));

  // Actions: action i implies only actions drawn before it, so the graph is acyclic; the
  // declaration order is shuffled, so implications point both ways in the file.
  const actionKeys = new KeyPool();
  const drawn = r.actions.map((a, i) => ({
    name: actionKeys.take(a.key),
    raw: a,
    index: i,
  }));
  const actionsDrawn: ActionSpec[] = drawn.map((a) => ({
    name: a.name,
    title: a.raw.title,
    description: a.raw.description,
    implies: a.index === 0 ? [] : dedupe(a.raw.implies.map((n) => drawn[n % a.index]!.name)),
    doc: a.raw.doc % catalogDocs,
  }));
  const actions = [...actionsDrawn].sort((x, y) => {
    const rx = drawn.find((d) => d.name === x.name)!.raw.rank;
    const ry = drawn.find((d) => d.name === y.name)!.raw.rank;
    return rx - ry;
  });

  // Categories and resources.
  const categoryKeys = new KeyPool();
  const categories: CategorySpec[] = r.categories.map((c) => ({
    name: categoryKeys.take(c.key),
    title: c.title,
    description: c.description,
    doc: c.doc % catalogDocs,
  }));
  const resourceKeys = new KeyPool();
  const resources: ResourceSpec[] = r.resources.map((res) => ({
    name: resourceKeys.take(res.key),
    title: res.title,
    description: res.description,
    category: res.category !== undefined && categories.length > 0 ? pick(categories, res.category).name : undefined,
    doc: res.doc % catalogDocs,
  }));

  // Permissions: a random subset of the actions for each resource.
  const ids = new KeyPool();
  const permissions: PermissionSpec[] = [];
  r.resources.forEach((res, i) => {
    const resource = resources[i]!.name;
    for (const p of dedupe(res.permissions, (p) => pick(actionsDrawn, p.action).name)) {
      const action = pick(actionsDrawn, p.action).name;
      const id = ids.take(`${resource}:${action}`);
      permissions.push({
        id,
        resource,
        action,
        title: p.title,
        description: p.description,
        category: p.category !== undefined && categories.length > 0 ? pick(categories, p.category).name : undefined,
        scoped: p.scoped && scopes.length > 0,
        selfRestricted: p.selfRestricted,
        sensitive: p.sensitive,
        previousNames: [],
        doc: p.doc % catalogDocs,
      });
    }
  });
  if (permissions.length === 0) {
    const resource = resources[0]!.name;
    const action = actionsDrawn[0]!.name;
    permissions.push({
      id: ids.take(`${resource}:${action}`),
      resource,
      action,
      title: 'Only permission',
      scoped: scopes.length > 0,
      selfRestricted: false,
      sensitive: false,
      previousNames: [],
      doc: 0,
    });
  }
  // Previous names: fresh ids that are no current id (taken after every current id).
  r.resources.forEach((res, i) => {
    const resource = resources[i]!.name;
    for (const p of dedupe(res.permissions, (p) => pick(actionsDrawn, p.action).name)) {
      if (p.previousName === undefined) continue;
      const id = `${resource}:${pick(actionsDrawn, p.action).name}`;
      const k = permissions.findIndex((q) => q.id === id);
      if (k < 0) continue;
      permissions[k] = { ...permissions[k]!, previousNames: [ids.take(`${resource}:${p.previousName}`)] };
    }
  });
  const permissionsOf = (resource: string) => permissions.filter((p) => p.resource === resource);

  // Collections.
  const collectionKeys = new KeyPool();
  const collections: CollectionSpec[] = r.collections.map((c) => {
    const declared: EntrySpec[] = [];
    const seen = new Set<string>();
    const declare = (path: string, e: (typeof c.entries)[number] | undefined) => {
      if (seen.has(path)) return;
      seen.add(path);
      declared.push({ path, title: e?.title, description: e?.description, asObject: e?.asObject ?? false });
    };
    for (const e of c.entries) {
      const segments = e.path.map((n) => pick(c.segments, n));
      const path = segments.join('/');
      const ancestors = segments.slice(0, -1).map((_, i) => segments.slice(0, i + 1).join('/'));
      if (e.ancestors === 'before') for (const a of ancestors) declare(a, undefined);
      declare(path, e);
      if (e.ancestors === 'after') for (const a of ancestors) declare(a, undefined);
    }
    return {
      name: collectionKeys.take(c.key),
      title: c.title,
      description: c.description,
      modes: c.modes,
      entries: declared,
      doc: c.doc % catalogDocs,
    };
  });

  // Roles: role i inherits only roles drawn before it (acyclic); declaration order is shuffled.
  const roleKeys = new KeyPool();
  const titles = new TitlePool();
  const roleNames = r.roles.map((x) => roleKeys.take(x.key));
  const previousRoleNames = r.roles.map((x) =>
    x.previousName === undefined ? undefined : roleKeys.take(x.previousName),
  );
  const owner = r.owner === undefined ? undefined : r.owner % r.roles.length;
  const rolesDrawn: (RoleSpec & { rank: number })[] = r.roles.map((x, i) => {
    const parents = i === 0 ? [] : dedupe(x.parents.map((n) => n % i));
    const inherits = parents.map((p) =>
      x.parentByOldName && previousRoleNames[p] !== undefined ? previousRoleNames[p]! : roleNames[p]!,
    );
    const grants: GrantSpec[] = [];
    const granted = new Set<string>();
    const grant = (key: string, g: GrantSpec) => {
      if (granted.has(key)) return;
      granted.add(key);
      grants.push(g);
    };
    const levelOf = (n: number) => pick(scopes, n).name;
    for (const g of x.grants) {
      if (g.kind >= 7 && g.kind <= 8) {
        const res = pick(resources, g.target).name;
        const scoped = permissionsOf(res).some((p) => p.scoped);
        grant(`${res}:*`, scoped ? { target: `${res}:*`, level: levelOf(g.level) } : { target: `${res}:*` });
      } else if (g.kind === 9 && i === owner) {
        grant('*', { target: '*' });
      } else {
        const p = pick(permissions, g.target);
        const target = g.byOldName && p.previousNames.length > 0 ? p.previousNames[0]! : p.id;
        grant(p.id, p.scoped ? { target, level: levelOf(g.level) } : { target });
      }
    }
    if (i === owner && r.ownerGrantsAll) {
      const at = x.rank % (grants.length + 1);
      if (!granted.has('*')) grants.splice(at, 0, { target: '*' });
    }
    const rules: CollectionRuleSpec[] = [];
    for (const rule of x.rules) {
      if (collections.length === 0) break;
      const c = pick(collections, rule.collection);
      if (rules.some((q) => q.collection === c.name)) continue;
      const mode = pick(c.modes ?? (['all', 'allow', 'except'] as const), rule.mode);
      if (mode === 'all') {
        rules.push({ collection: c.name, mode });
        continue;
      }
      const paths = entryPaths(c);
      if (paths.length === 0) continue;
      rules.push({ collection: c.name, mode, entries: dedupe(rule.entries.map((n) => pick(paths, n))) });
    }
    return {
      name: roleNames[i]!,
      title: titles.take(x.title),
      description: x.description,
      previousNames: previousRoleNames[i] === undefined ? [] : [previousRoleNames[i]!],
      inherits,
      grants,
      collections: rules,
      file: fileOf('role', x.file),
      rank: x.rank,
    };
  });
  const roles: RoleSpec[] = [...rolesDrawn].sort((a, b) => a.rank - b.rank).map(({ rank: _, ...role }) => role);

  const retiredRoles: RetiredRoleSpec[] =
    r.retired === undefined
      ? []
      : [
          {
            name: roleKeys.take(r.retired.key),
            transferTo: pick(roleNames, r.retired.target),
            reason: r.retired.reason,
          },
        ];

  // Users.
  const userKeys = new KeyPool();
  const users: UserSpec[] = r.users.map((u) => {
    const assigned = dedupe(u.roles.map((n) => n % roleNames.length));
    return {
      name: userKeys.take(u.name),
      title: u.title,
      roles: assigned.map((k) =>
        u.byOldName && previousRoleNames[k] !== undefined ? previousRoleNames[k]! : roleNames[k]!,
      ),
      doc: u.doc % r.layout.assignmentDocs,
    };
  });

  const [major, minor, patch, pre] = r.version;
  return {
    name: r.name,
    title: r.title,
    description: r.description,
    version: `${major}.${minor}.${patch}${pre === undefined ? '' : `-${pre}`}`,
    scopes,
    defaultRole: r.defaultRole === undefined ? undefined : pick(roleNames, r.defaultRole),
    // The owner role must hold everything (PC610): a drawn owner that does not grant "*" is no owner.
    ownerRole:
      owner !== undefined && rolesDrawn[owner]!.grants.some((g) => g.target === '*') ? roleNames[owner] : undefined,
    retiredRoles,
    actions,
    categories,
    resources,
    permissions,
    collections,
    roles,
    users,
    layout,
  };
}

const DEFAULTS: Required<PolicySetOptions> = {
  minScopes: 0,
  maxScopes: 4,
  maxActions: 8,
  maxResources: 6,
  minCollections: 0,
  maxCollections: 2,
  minRoles: 1,
  maxRoles: 10,
  maxUsers: 6,
  hostile: true,
};

/** Random valid policy specs (see `PolicySpec`). */
export function policySpecArb(options: PolicySetOptions = {}): fc.Arbitrary<PolicySpec> {
  return rawArb({ ...DEFAULTS, ...options }).map(buildSpec);
}

/**
 * Random valid policy sets: 0–4 scopes, 1–8 actions with acyclic implications, 1–6 resources,
 * 0–2 hierarchical collections, 1–10 roles with acyclic multiple inheritance, users, and
 * hostile-but-valid keys and titles. Every set analyses with zero errors.
 *
 * ```ts
 * fc.assert(fc.property(policySetArb({ minScopes: 1 }), (set) => {
 *   const model = modelOf(set);            // throws with the diagnostics if the set has errors
 *   const oracle = new ReferenceEvaluator(model);
 *   ...
 * }));
 * ```
 */
export function policySetArb(options: PolicySetOptions = {}): fc.Arbitrary<GeneratedSet> {
  return policySpecArb(options).map(renderSet);
}

// ---------------------------------------------------------------------------------------------
// Rendering.

/** A YAML double-quoted scalar (JSON strings are valid YAML). */
const q = (s: string): string => JSON.stringify(s);

/** Every entry path of a collection: declared ones and their implicit ancestors, parents first. */
export function entryPaths(c: CollectionSpec): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const e of c.entries) {
    const segments = e.path.split('/');
    for (let i = 1; i <= segments.length; i++) {
      const p = segments.slice(0, i).join('/');
      if (!seen.has(p)) {
        seen.add(p);
        out.push(p);
      }
    }
  }
  return out;
}

/** Writes a spec out as YAML files and wraps them as an in-memory set. */
export function renderSet(spec: PolicySpec): GeneratedSet {
  const { layout } = spec;
  const lines: string[] = [];
  const docs: { file: string; text: string }[] = [];
  const keyList = (indent: string, field: string, items: readonly string[]) => {
    if (items.length === 0) return;
    if (layout.flow) lines.push(`${indent}${field}: [${items.map(q).join(', ')}]`);
    else {
      lines.push(`${indent}${field}:`);
      for (const i of items) lines.push(`${indent}  - ${q(i)}`);
    }
  };
  const opt = (indent: string, field: string, value: string | undefined) => {
    if (value !== undefined) lines.push(`${indent}${field}: ${q(value)}`);
  };
  const flush = (file: string) => {
    docs.push({ file, text: `${lines.join('\n')}\n` });
    lines.length = 0;
  };
  const header = (kind: string) => {
    if (layout.comments) lines.push(`# ${kind} document`);
    lines.push('apiVersion: policyc/v1', `kind: ${kind}`, 'metadata:');
  };

  // PolicySet.
  header('PolicySet');
  lines.push(`  name: ${q(spec.name)}`);
  opt('  ', 'title', spec.title);
  opt('  ', 'description', spec.description);
  lines.push('spec:', `  version: ${q(spec.version)}`);
  if (spec.scopes.length > 0) {
    lines.push('  scopes:');
    for (const s of spec.scopes) {
      lines.push(`    - name: ${q(s.name)}`);
      opt('      ', 'title', s.title);
      opt('      ', 'description', s.description);
    }
  }
  opt('  ', 'defaultRole', spec.defaultRole);
  opt('  ', 'ownerRole', spec.ownerRole);
  if (spec.retiredRoles.length > 0) {
    lines.push('  retiredRoles:');
    for (const r of spec.retiredRoles) {
      lines.push(`    - name: ${q(r.name)}`, `      transferTo: ${q(r.transferTo)}`);
      opt('      ', 'reason', r.reason);
    }
  }
  flush(layout.policySetFile);

  // Catalog documents.
  layout.catalogFiles.forEach((file, doc) => {
    header('Catalog');
    lines.push(`  name: ${q(`catalog-${doc}`)}`, 'spec:');
    const mine = <T extends { doc: number }>(items: readonly T[]) => items.filter((i) => i.doc === doc);
    const actions = mine(spec.actions);
    const categories = mine(spec.categories);
    const resources = mine(spec.resources);
    const permissions = mine(spec.permissions);
    const collections = mine(spec.collections);
    if (actions.length + categories.length + resources.length + permissions.length + collections.length === 0) {
      lines[lines.length - 1] = 'spec: {}';
    }
    if (actions.length > 0) lines.push('  actions:');
    for (const a of actions) {
      lines.push(`    - name: ${q(a.name)}`);
      opt('      ', 'title', a.title);
      opt('      ', 'description', a.description);
      keyList('      ', 'implies', a.implies);
    }
    if (categories.length > 0) lines.push('  categories:');
    for (const c of categories) {
      lines.push(`    - name: ${q(c.name)}`, `      title: ${q(c.title)}`);
      opt('      ', 'description', c.description);
    }
    if (resources.length > 0) lines.push('  resources:');
    for (const r of resources) {
      lines.push(`    - name: ${q(r.name)}`, `      title: ${q(r.title)}`);
      opt('      ', 'description', r.description);
      opt('      ', 'category', r.category);
    }
    if (permissions.length > 0) lines.push('  permissions:');
    for (const p of permissions) {
      lines.push(`    - id: ${q(p.id)}`, `      title: ${q(p.title)}`);
      opt('      ', 'description', p.description);
      opt('      ', 'category', p.category);
      if (p.scoped) lines.push('      scoped: true');
      if (p.selfRestricted) lines.push('      selfRestricted: true');
      if (p.sensitive) lines.push('      sensitive: true');
      keyList('      ', 'previousNames', p.previousNames);
    }
    if (collections.length > 0) lines.push('  collections:');
    for (const c of collections) {
      lines.push(`    - name: ${q(c.name)}`, `      title: ${q(c.title)}`);
      opt('      ', 'description', c.description);
      if (c.modes) lines.push(`      modes: [${c.modes.join(', ')}]`);
      if (c.entries.length > 0) lines.push('      entries:');
      for (const e of c.entries) {
        if (!e.asObject && e.title === undefined && e.description === undefined) {
          lines.push(`        - ${q(e.path)}`);
          continue;
        }
        lines.push(`        - path: ${q(e.path)}`);
        opt('          ', 'title', e.title);
        opt('          ', 'description', e.description);
      }
    }
    flush(file);
  });

  // Roles.
  for (const role of spec.roles) {
    header('Role');
    lines.push(`  name: ${q(role.name)}`);
    keyList('  ', 'previousNames', role.previousNames);
    lines.push('spec:', `  title: ${q(role.title)}`);
    opt('  ', 'description', role.description);
    keyList('  ', 'inherits', role.inherits);
    if (role.grants.length > 0) lines.push('  grants:');
    for (const g of role.grants)
      lines.push(g.level === undefined ? `    - ${q(g.target)}` : `    - ${q(g.target)}: ${q(g.level)}`);
    if (role.collections.length > 0) lines.push('  collections:');
    for (const c of role.collections) {
      lines.push(`    ${q(c.collection)}:`, `      mode: ${c.mode}`);
      if (c.entries) keyList('      ', 'entries', c.entries);
    }
    flush(role.file ?? 'roles/added.yaml');
  }

  // Assignments.
  layout.assignmentFiles.forEach((file, doc) => {
    const users = spec.users.filter((u) => u.doc === doc);
    if (users.length === 0) return;
    header('Assignments');
    lines.push(`  name: ${q(`users-${doc}`)}`, 'spec:', '  users:');
    for (const u of users) {
      lines.push(`    - name: ${q(u.name)}`);
      opt('      ', 'title', u.title);
      keyList('      ', 'roles', u.roles);
    }
    flush(file);
  });

  const byFile = new Map<string, string[]>();
  for (const d of docs) byFile.set(d.file, [...(byFile.get(d.file) ?? []), d.text]);
  const files: Record<string, string> = {};
  for (const [file, texts] of byFile) files[file] = `${layout.comments ? '---\n' : ''}${texts.join('---\n')}`;
  const set = { name: spec.name, files, source: memorySet(spec.name, files), spec };
  // fast-check prints counterexamples with this: the YAML, not the bytes.
  Object.defineProperty(set, fc.toStringMethod, { value: () => formatFiles(files), enumerable: false });
  return set;
}

/** The files of a set as one text, for messages. */
export function formatFiles(files: Record<string, string>): string {
  return Object.entries(files)
    .map(([f, t]) => `# ==> ${f} <==\n${t}`)
    .join('\n');
}

/** The order of documents of one kind in the model: files by path, documents in file order. */
function documentOrder<T>(items: readonly T[], fileOf: (t: T) => string): T[] {
  const files = [...new Set(items.map(fileOf))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return files.flatMap((f) => items.filter((t) => fileOf(t) === f));
}

/** Permission ids in the order the model must list them: catalog documents by file path, then as written. */
export function catalogOrder(spec: PolicySpec): string[] {
  const docs = documentOrder(
    spec.layout.catalogFiles.map((_, i) => i),
    (i) => spec.layout.catalogFiles[i]!,
  );
  return docs.flatMap((d) => spec.permissions.filter((p) => p.doc === d).map((p) => p.id));
}

/** Role keys in the order the model must list them: files by path, documents in file order. */
export function roleOrder(spec: PolicySpec): string[] {
  return documentOrder(spec.roles, (r) => r.file ?? 'roles/added.yaml').map((r) => r.name);
}

// ---------------------------------------------------------------------------------------------
// Analysing generated sets.

/** Analyses a generated set. */
export function analyzeGenerated(set: GeneratedSet): Analysis {
  return analyzeSet(set.source);
}

/** The model of a generated set; throws with the errors and the files when it has any. */
export function modelOf(set: GeneratedSet): Model {
  const analysis = analyzeSet(set.source);
  if (analysis.model) return analysis.model;
  throw new Error(describeFailure(set, analysis));
}

/** The errors of an analysis and the files they are about, for a failing property's message. */
export function describeFailure(set: GeneratedSet, analysis: Analysis): string {
  const errors = analysis.diagnostics
    .filter((d) => d.severity === 'error')
    .map(
      (d) =>
        `${d.code} ${d.span ? `${d.span.file}:${d.span.line}:${d.span.column} ` : ''}${d.message}${d.hint ? ` (${d.hint})` : ''}`,
    );
  return `generated set ${set.name} has errors:\n${errors.join('\n')}\n${formatFiles(set.files)}`;
}

/** A key that folds differently from every key in `taken` (for tests adding roles or users). */
export function freshKey(taken: Iterable<string>, base: string): string {
  return new KeyPool(taken).take(base);
}

// ---------------------------------------------------------------------------------------------
// Questions over a model.

/** May a subject holding `roles` perform `permission` at `scope` (undefined: the widest level), on itself when `self`? */
export interface PermissionQuestion {
  readonly roles: readonly string[];
  readonly permission: string;
  readonly scope: string | undefined;
  readonly self: boolean;
}

/** May a subject holding `roles` use the entry at `path` of `collection`? `known`: the catalog declares it. */
export interface CollectionQuestion {
  readonly roles: readonly string[];
  readonly collection: string;
  readonly path: string;
  readonly known: boolean;
}

export type Question =
  | ({ readonly kind: 'permission' } & PermissionQuestion)
  | ({ readonly kind: 'collection' } & CollectionQuestion);

const UNKNOWN_SEGMENTS = ['zz-unknown', 'new', '__proto__', 'constructor', 'x.y', '0'];

/**
 * Entry paths a collection does NOT declare, in a fixed order: a new child of every known entry,
 * a grandchild below a new child, and new top-level entries.
 */
export function unknownEntryPaths(collection: CollectionInfo): string[] {
  const known = collection.entryIndex;
  const fresh = (prefix: string): string => {
    for (const s of UNKNOWN_SEGMENTS) {
      const p = prefix === '' ? s : `${prefix}/${s}`;
      if (!known.has(p)) return p;
    }
    let n = 0;
    while (known.has(prefix === '' ? `u${n}` : `${prefix}/u${n}`)) n++;
    return prefix === '' ? `u${n}` : `${prefix}/u${n}`;
  };
  const out = new Set<string>();
  for (const e of collection.entries) {
    const child = fresh(e.path);
    out.add(child);
    out.add(`${child}/deeper`);
  }
  const top = fresh('');
  out.add(top);
  out.add(`${top}/child`);
  for (const s of UNKNOWN_SEGMENTS) if (!known.has(s)) out.add(s);
  return [...out];
}

/** Role keys to ask about: current keys, and sometimes previous names (which must resolve too). */
function rolesArb(model: Model): fc.Arbitrary<string[]> {
  const names = model.roles.map((r) => r.name);
  const aliases = [...model.roleAliases.keys()];
  const one =
    aliases.length > 0
      ? fc.oneof(
          { weight: 6, arbitrary: fc.constantFrom(...names) },
          { weight: 1, arbitrary: fc.constantFrom(...aliases) },
        )
      : fc.constantFrom(...names);
  return fc.oneof(
    { weight: 4, arbitrary: one.map((r) => [r]) },
    ...(names.length + aliases.length >= 2
      ? [
          {
            weight: 3,
            arbitrary: fc.uniqueArray(one, { minLength: 2, maxLength: Math.min(4, names.length + aliases.length) }),
          },
        ]
      : []),
    { weight: 1, arbitrary: fc.constant([] as string[]) },
    ...(model.users.length > 0
      ? [{ weight: 2, arbitrary: fc.constantFrom(...model.users.map((u) => [...u.roles])) }]
      : []),
  );
}

/** Permission questions over a model: role subsets (and users' roles), any permission (or a previous id), any scope or none, self or not. */
export function permissionQuestionArb(model: Model): fc.Arbitrary<PermissionQuestion> {
  const ids = model.permissions.map((p) => p.id);
  const aliases = [...model.permissionAliases.keys()];
  const permission =
    aliases.length > 0
      ? fc.oneof(
          { weight: 8, arbitrary: fc.constantFrom(...ids) },
          { weight: 1, arbitrary: fc.constantFrom(...aliases) },
        )
      : fc.constantFrom(...ids);
  const scope =
    model.scopes.length > 0
      ? fc.option(fc.constantFrom(...model.scopes.map((s) => s.name)), { nil: undefined, freq: 4 })
      : fc.constant(undefined);
  return fc.record({ roles: rolesArb(model), permission, scope, self: fc.boolean() });
}

/** Collection questions over a model (which must have a collection): known entries and unknown ones. */
export function collectionQuestionArb(model: Model): fc.Arbitrary<CollectionQuestion> {
  if (model.collections.length === 0) throw new Error(`model ${model.name} has no collections`);
  const one = (c: CollectionInfo): fc.Arbitrary<{ collection: string; path: string; known: boolean }> => {
    const known = c.entries.map((e) => e.path);
    const unknown = unknownEntryPaths(c);
    const arbs = [
      ...(known.length > 0
        ? [
            {
              weight: 3,
              arbitrary: fc.constantFrom(...known).map((path) => ({ collection: c.name, path, known: true })),
            },
          ]
        : []),
      { weight: 2, arbitrary: fc.constantFrom(...unknown).map((path) => ({ collection: c.name, path, known: false })) },
    ];
    return fc.oneof(...arbs);
  };
  return fc.tuple(rolesArb(model), fc.oneof(...model.collections.map(one))).map(([roles, e]) => ({ roles, ...e }));
}

/** Any question over a model. */
export function questionArb(model: Model): fc.Arbitrary<Question> {
  const p = permissionQuestionArb(model).map((x) => ({ kind: 'permission' as const, ...x }));
  if (model.collections.length === 0) return p;
  return fc.oneof(
    { weight: 3, arbitrary: p },
    { weight: 1, arbitrary: collectionQuestionArb(model).map((x) => ({ kind: 'collection' as const, ...x })) },
  );
}
