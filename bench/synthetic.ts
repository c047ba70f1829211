/**
 * Synthetic policy sets for benchmarks: R roles × P permissions × 3 scopes, deterministic for a
 * seed. Permissions are P/5 resources × 5 actions (view, edit ⇒ view, create ⇒ edit, delete,
 * export); two thirds of the resources are scoped. In the flat shape (the default) each role
 * grants `resource:*` on enough random resources (at a random level) to reach the target density,
 * some explicit permissions, and sometimes inherits an earlier role; the hierarchical shape is
 * described at `SyntheticOptions.shape`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface SyntheticOptions {
  readonly roles: number;
  readonly permissions: number;
  /** Share of permissions each role holds directly (0.3 = 30 %). */
  readonly density?: number;
  readonly users?: number;
  readonly seed?: number;
  /**
   * `flat` (default): every role lists its own ~density share of grants (`resource:*`, a level
   * each). `hierarchical`: a compact shape where a few base roles (one per 50 roles, at least 4)
   * hold the bulk grants and every other role inherits one or two of them and adds a few grants of
   * its own, so the YAML stays small while the resolver still computes R × P effective bits.
   */
  readonly shape?: 'flat' | 'hierarchical';
}

/** A small, fast, seeded PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ACTIONS = ['view', 'edit', 'create', 'delete', 'export'];
const LEVELS = ['own', 'group', 'all'];

/** The set's files, name → YAML text. */
export function syntheticSet(name: string, o: SyntheticOptions): Record<string, string> {
  const random = prng(o.seed ?? 42);
  const resources = Math.max(1, Math.round(o.permissions / ACTIONS.length));
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  const res = (i: number) => `r${pad(i, 5)}`;
  const scoped = (i: number) => i % 3 !== 2;
  const files: Record<string, string> = {};
  files['policyset.yaml'] = [
    'apiVersion: policyc/v1',
    'kind: PolicySet',
    `metadata: { name: ${name} }`,
    'spec:',
    '  version: 1.0.0',
    '  scopes: [{ name: own }, { name: group }, { name: all }]',
    '  defaultRole: role-00000',
    '',
  ].join('\n');
  const catalog = [
    'apiVersion: policyc/v1',
    'kind: Catalog',
    'metadata: { name: catalog }',
    'spec:',
    '  actions:',
    '    - { name: view }',
    '    - { name: edit, implies: [view] }',
    '    - { name: create, implies: [edit] }',
    '    - { name: delete }',
    '    - { name: export }',
    '  categories:',
    ...Array.from({ length: 20 }, (_, i) => `    - { name: c${i}, title: Category ${i} }`),
    '  resources:',
    ...Array.from(
      { length: resources },
      (_, i) => `    - { name: ${res(i)}, title: Resource ${i}, category: c${i % 20} }`,
    ),
    '  permissions:',
  ];
  for (let i = 0; i < resources; i++) {
    for (const a of ACTIONS)
      catalog.push(`    - { id: "${res(i)}:${a}", title: ${a} resource ${i}${scoped(i) ? ', scoped: true' : ''} }`);
  }
  files['catalog.yaml'] = `${catalog.join('\n')}\n`;
  const perRole = Math.max(1, Math.round(((o.density ?? 0.3) * resources) / 1.15));
  if (o.shape === 'hierarchical') hierarchicalRoles(files, o, random, resources, perRole, res, scoped, pad);
  for (let r = 0; o.shape !== 'hierarchical' && r < o.roles; r++) {
    const lines = [
      'apiVersion: policyc/v1',
      'kind: Role',
      `metadata: { name: role-${pad(r, 5)} }`,
      'spec:',
      `  title: Role ${r}`,
      `  description: Synthetic role ${r}.`,
    ];
    if (r > 0 && random() < 0.2) lines.push(`  inherits: [role-${pad(Math.floor(random() * r), 5)}]`);
    lines.push('  grants:');
    const chosen = new Set<number>();
    while (chosen.size < Math.min(perRole, resources)) chosen.add(Math.floor(random() * resources));
    for (const i of chosen) {
      lines.push(scoped(i) ? `    - "${res(i)}:*": ${LEVELS[Math.floor(random() * 3)]}` : `    - "${res(i)}:*"`);
    }
    // A few explicit permissions on resources not granted wholesale.
    for (let k = 0; k < Math.max(1, perRole / 10); k++) {
      const i = Math.floor(random() * resources);
      if (chosen.has(i)) continue;
      chosen.add(i);
      const a = ACTIONS[Math.floor(random() * ACTIONS.length)]!;
      lines.push(scoped(i) ? `    - ${res(i)}:${a}: ${LEVELS[Math.floor(random() * 3)]}` : `    - ${res(i)}:${a}`);
    }
    files[`roles/role-${pad(r, 5)}.yaml`] = `${lines.join('\n')}\n`;
  }
  const users = o.users ?? Math.min(1000, o.roles * 2);
  const assignments = ['apiVersion: policyc/v1', 'kind: Assignments', 'metadata: { name: users }', 'spec:', '  users:'];
  for (let u = 0; u < users; u++) {
    const a = Math.floor(random() * o.roles);
    const b = Math.floor(random() * o.roles);
    assignments.push(
      `    - { name: user${u}, roles: [${[...new Set([a, b])].map((x) => `role-${pad(x, 5)}`).join(', ')}] }`,
    );
  }
  files['assignments.yaml'] = `${assignments.join('\n')}\n`;
  return files;
}

function hierarchicalRoles(
  files: Record<string, string>,
  o: SyntheticOptions,
  random: () => number,
  resources: number,
  perRole: number,
  res: (i: number) => string,
  scoped: (i: number) => boolean,
  pad: (n: number, w: number) => string,
): void {
  const bases = Math.min(o.roles, Math.max(4, Math.round(o.roles / 50)));
  const name = (r: number) => `role-${pad(r, 5)}`;
  const grant = (i: number) =>
    scoped(i) ? `    - "${res(i)}:*": ${LEVELS[Math.floor(random() * 3)]}` : `    - "${res(i)}:*"`;
  for (let r = 0; r < o.roles; r++) {
    const lines = [
      'apiVersion: policyc/v1',
      'kind: Role',
      `metadata: { name: ${name(r)} }`,
      'spec:',
      `  title: Role ${r}`,
      `  description: Synthetic role ${r}.`,
    ];
    const chosen = new Set<number>();
    if (r < bases) {
      // A base role: the bulk of the grants, like the flat shape's roles.
      while (chosen.size < Math.min(perRole, resources)) chosen.add(Math.floor(random() * resources));
    } else {
      const a = Math.floor(random() * bases);
      const b = Math.floor(random() * bases);
      lines.push(`  inherits: [${[...new Set([a, b])].map(name).join(', ')}]`);
      const own = 1 + Math.floor(random() * 5);
      while (chosen.size < Math.min(own, resources)) chosen.add(Math.floor(random() * resources));
    }
    lines.push('  grants:');
    for (const i of chosen) lines.push(grant(i));
    files[`roles/${name(r)}.yaml`] = `${lines.join('\n')}\n`;
  }
}

/** Writes a synthetic set to `<dir>/policies/<name>/`; returns the policies folder. */
export function writeSyntheticSet(dir: string, name: string, o: SyntheticOptions): string {
  const root = path.join(dir, 'policies', name);
  for (const [file, text] of Object.entries(syntheticSet(name, o))) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return path.join(dir, 'policies');
}
