/**
 * The check-throughput policy of issue 6: 40 roles; 50 resources × 6 actions; each role granted a
 * fixed-seed random ~30 % of the 300 permissions (explicit grants: no wildcards, inheritance or
 * implications, so every library is given exactly the same facts); a scoped variant where every
 * permission is scoped and every grant names own, group or all; a `connectors` collection
 * (20 apps with triggers and actions) where each role picks all / allow / except / nothing.
 *
 * The spec is plain data: it is rendered to YAML for policyc and translated by hand into each
 * library's own vocabulary by bench/adapters.ts. `truth*` answer from the spec directly; the
 * harness checks them (and every library) against policyc's reference evaluator.
 */
import { prng } from './synthetic.js';

export const LEVELS = ['own', 'group', 'all'] as const;
export type Level = 0 | 1 | 2;

export interface Grant {
  readonly permission: number;
  /** 0 own, 1 group, 2 all; ignored by the plain variant. */
  readonly level: Level;
}

export interface CollectionRule {
  readonly mode: 'all' | 'allow' | 'except';
  readonly entries: readonly string[];
}

export interface CheckRole {
  readonly name: string;
  readonly grants: readonly Grant[];
  readonly connectors: CollectionRule | undefined;
}

export interface CheckPolicy {
  readonly resources: readonly string[];
  readonly actions: readonly string[];
  /** `resource:action`, index = the spec's permission number (not policyc's lockfile number). */
  readonly permissions: readonly { readonly id: string; readonly resource: string; readonly action: string }[];
  readonly roles: readonly CheckRole[];
  /** Known entries of the `connectors` collection, parents before children. */
  readonly entries: readonly string[];
  /** Entry paths that are not in the catalog (apps and actions added after the build). */
  readonly unknownEntries: readonly string[];
  /** Multi-role subjects: role indexes, 2 to 4 distinct roles each. */
  readonly subjects: readonly (readonly number[])[];
}

export interface CheckPolicyOptions {
  readonly roles?: number;
  readonly resources?: number;
  readonly density?: number;
  readonly subjects?: number;
  readonly seed?: number;
}

const ACTIONS = ['view', 'create', 'update', 'delete', 'export', 'share'];

export function checkPolicy(o: CheckPolicyOptions = {}): CheckPolicy {
  const random = prng(o.seed ?? 6);
  const pick = (n: number) => Math.floor(random() * n);
  const nRoles = o.roles ?? 40;
  const nResources = o.resources ?? 50;
  const density = o.density ?? 0.3;
  const resources = Array.from({ length: nResources }, (_, i) => `res${String(i).padStart(2, '0')}`);
  const permissions = resources.flatMap((resource) =>
    ACTIONS.map((action) => ({ id: `${resource}:${action}`, resource, action })),
  );

  const entries: string[] = [];
  const unknownEntries: string[] = [];
  for (let a = 0; a < 20; a++) {
    const app = `app${String(a).padStart(2, '0')}`;
    entries.push(app, `${app}/triggers`);
    for (let t = 0; t < 3; t++) entries.push(`${app}/triggers/t${t}`);
    entries.push(`${app}/actions`);
    for (let x = 0; x < 4; x++) entries.push(`${app}/actions/a${x}`);
    unknownEntries.push(`${app}/actions/added-later`, `${app}/triggers/t0/variant`);
  }
  for (let a = 0; a < 5; a++) unknownEntries.push(`new-app${a}`, `new-app${a}/actions/a0`);

  const roles: CheckRole[] = [];
  for (let r = 0; r < nRoles; r++) {
    const grants: Grant[] = [];
    for (let p = 0; p < permissions.length; p++) {
      if (random() < density) grants.push({ permission: p, level: pick(3) as Level });
    }
    const m = random();
    const listed = (max: number) => {
      const set = new Set<string>();
      const n = 1 + pick(max);
      while (set.size < n) set.add(entries[pick(entries.length)]!);
      // A listed entry's descendants are covered already: keep the list free of redundancy.
      return [...set].filter((e) => ![...set].some((f) => f !== e && e.startsWith(`${f}/`))).sort();
    };
    const connectors: CollectionRule | undefined =
      m < 0.2
        ? { mode: 'all', entries: [] }
        : m < 0.6
          ? { mode: 'allow', entries: listed(8) }
          : m < 0.9
            ? { mode: 'except', entries: listed(5) }
            : undefined;
    roles.push({ name: `role-${String(r).padStart(2, '0')}`, grants, connectors });
  }

  const subjects: number[][] = [];
  for (let s = 0; s < (o.subjects ?? 1000); s++) {
    const set = new Set<number>();
    const n = 2 + pick(3);
    while (set.size < n) set.add(pick(nRoles));
    subjects.push([...set]);
  }
  return { resources, actions: ACTIONS, permissions, roles, entries, unknownEntries, subjects };
}

/** The policy as a policyc set (file name → YAML). */
export function checkPolicyYaml(
  spec: CheckPolicy,
  scoped: boolean,
  name = scoped ? 'bench-scoped' : 'bench-plain',
): Record<string, string> {
  const files: Record<string, string> = {};
  files['policyset.yaml'] = [
    'apiVersion: policyc/v1',
    'kind: PolicySet',
    `metadata: { name: ${name} }`,
    'spec:',
    '  version: 1.0.0',
    ...(scoped ? ['  scopes: [{ name: own }, { name: group }, { name: all }]'] : []),
    `  defaultRole: ${spec.roles[0]!.name}`,
    '',
  ].join('\n');
  files['catalog.yaml'] = [
    'apiVersion: policyc/v1',
    'kind: Catalog',
    'metadata: { name: catalog }',
    'spec:',
    '  actions:',
    ...spec.actions.map((a) => `    - { name: ${a} }`),
    '  resources:',
    ...spec.resources.map((r) => `    - { name: ${r}, title: Resource ${r} }`),
    '  permissions:',
    ...spec.permissions.map(
      (p) => `    - { id: "${p.id}", title: ${p.action} ${p.resource}${scoped ? ', scoped: true' : ''} }`,
    ),
    '  collections:',
    '    - name: connectors',
    '      title: Connectors',
    '      modes: [all, allow, except]',
    '      entries:',
    ...spec.entries.map((e) => `        - { path: ${e} }`),
    '',
  ].join('\n');
  for (const role of spec.roles) {
    const lines = [
      'apiVersion: policyc/v1',
      'kind: Role',
      `metadata: { name: ${role.name} }`,
      'spec:',
      `  title: Role ${role.name}`,
      `  description: Synthetic role ${role.name}.`,
      '  grants:',
    ];
    for (const g of role.grants) {
      const id = spec.permissions[g.permission]!.id;
      lines.push(scoped ? `    - "${id}": ${LEVELS[g.level]}` : `    - "${id}"`);
    }
    if (role.grants.length === 0) lines[lines.length - 1] = '  grants: []';
    if (role.connectors) {
      lines.push('  collections:', '    connectors:', `      mode: ${role.connectors.mode}`);
      if (role.connectors.mode !== 'all') lines.push(`      entries: [${role.connectors.entries.join(', ')}]`);
    }
    files[`roles/${role.name}.yaml`] = `${lines.join('\n')}\n`;
  }
  return files;
}

/** Access bits straight from the spec: [level][role][permission] → boolean, as a dense table. */
export class Truth {
  readonly spec: CheckPolicy;
  private readonly bits: Uint8Array;
  private readonly nP: number;
  private readonly nR: number;

  constructor(spec: CheckPolicy) {
    this.spec = spec;
    this.nP = spec.permissions.length;
    this.nR = spec.roles.length;
    this.bits = new Uint8Array(3 * this.nR * this.nP);
    spec.roles.forEach((role, r) => {
      for (const g of role.grants)
        for (let l = 0; l <= g.level; l++) this.bits[(l * this.nR + r) * this.nP + g.permission] = 1;
    });
  }

  /** Plain variant: any grant counts. */
  plain(role: number, permission: number): boolean {
    return this.bits[(0 * this.nR + role) * this.nP + permission] === 1;
  }

  /** Scoped variant: a grant at `level` or wider. */
  scoped(role: number, permission: number, level: number): boolean {
    return this.bits[(level * this.nR + role) * this.nP + permission] === 1;
  }

  multi(subject: number, permission: number): boolean {
    return this.spec.subjects[subject]!.some((r) => this.plain(r, permission));
  }

  collection(role: number, entry: string): boolean {
    const rule = this.spec.roles[role]!.connectors;
    if (!rule) return false;
    const listedAbove = rule.entries.some((e) => entry === e || entry.startsWith(`${e}/`));
    return rule.mode === 'all' ? true : rule.mode === 'allow' ? listedAbove : !listedAbove;
  }
}

/** Pre-generated queries: columns of small integers (indexes into the spec), about half allowed. */
export interface Queries {
  readonly n: number;
  /** Role index (subject index for multi-role). */
  readonly role: Int32Array;
  /** Spec permission index (entry index for collection queries: known entries, then unknown ones). */
  readonly item: Int32Array;
  /** Scope level (scoped queries), else 2. */
  readonly level: Int32Array;
  /** The expected answer of each query. */
  readonly expected: Uint8Array;
  /** prefix[i] = allowed answers among queries [0, i): the expected sink of any range. */
  readonly prefix: Int32Array;
}

export type Workload = 'plain' | 'scoped' | 'multi' | 'collection';

export function generateQueries(truth: Truth, workload: Workload, n: number, seed = 1): Queries {
  const spec = truth.spec;
  const random = prng(seed);
  const pick = (k: number) => Math.floor(random() * k);
  const role = new Int32Array(n);
  const item = new Int32Array(n);
  const level = new Int32Array(n);
  const expected = new Uint8Array(n);
  const prefix = new Int32Array(n + 1);
  const allEntries = [...spec.entries, ...spec.unknownEntries];
  for (let i = 0; i < n; i++) {
    const want = random() < 0.5;
    let r = 0;
    let p = 0;
    let l = 2;
    let answer = false;
    // Draw until the answer is the one wanted (mixed allowed/denied, about half each); give up after a few tries.
    for (let tries = 0; tries < 16; tries++) {
      if (workload === 'multi') {
        r = pick(spec.subjects.length);
        p = pick(spec.permissions.length);
        answer = truth.multi(r, p);
      } else if (workload === 'collection') {
        r = pick(spec.roles.length);
        // Four in five queries name a known entry; the rest were added after the build.
        p = random() < 0.8 ? pick(spec.entries.length) : spec.entries.length + pick(spec.unknownEntries.length);
        answer = truth.collection(r, allEntries[p]!);
      } else {
        r = pick(spec.roles.length);
        p = pick(spec.permissions.length);
        l = workload === 'scoped' ? pick(3) : 2;
        answer = workload === 'scoped' ? truth.scoped(r, p, l) : truth.plain(r, p);
      }
      if (answer === want) break;
    }
    role[i] = r;
    item[i] = p;
    level[i] = l;
    expected[i] = answer ? 1 : 0;
    prefix[i + 1] = prefix[i]! + (answer ? 1 : 0);
  }
  return { n, role, item, level, expected, prefix };
}
