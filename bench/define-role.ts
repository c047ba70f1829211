/**
 * `node --import tsx bench/define-role.ts [--quick]` (or `npm run bench:roles`): the cost of
 * roles defined at run time (issue 18), on a synthetic set of 1,000 permissions × 3 scopes.
 *
 * - `defineRole` for a definition of 300 grants (permissions with levels, implications), alone
 *   and with `grantedBy` (the escalation check), and `checkRoleDefinition`;
 * - `can()` on a run-time role against the same role compiled from YAML: the same questions,
 *   rounds alternated between the two so that drift hits both, median ns per check, and the ratio.
 *
 * Writes bench/.out/define-role.json and prints a markdown table.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compileSet } from '../src/compile.js';
import type { SetSource } from '../src/load/source.js';
import { prng, syntheticSet } from './synthetic.js';
import { fmt, machine, median, table } from './util.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.join(HERE, '.out');
const quick = process.argv.includes('--quick');

interface Module {
  Permission: Record<string, number>;
  Role: Record<string, number>;
  Scope: Record<string, number>;
  can(role: number, permission: number, scope?: number): boolean;
  subject(roles: readonly number[]): unknown;
  defineRole(definition: unknown, options?: unknown): { ok: boolean; role?: number; errors?: unknown };
  checkRoleDefinition(definition: unknown, options?: unknown): { ok: boolean };
}

/** The synthetic set plus one role of 300 explicit grants; returns the files and that role's grants. */
function benchSet(): { files: Record<string, string>; grants: unknown[] } {
  const files = syntheticSet('roles', { roles: 20, permissions: 1000, seed: 18 });
  const random = prng(1818);
  const levels = ['own', 'group', 'all'];
  const chosen = new Set<string>();
  while (chosen.size < 300) {
    const r = Math.floor(random() * 200);
    const a = ['view', 'edit', 'create', 'delete', 'export'][Math.floor(random() * 5)]!;
    chosen.add(`r${String(r).padStart(5, '0')}:${a}`);
  }
  // Resources r…0, r…1 are scoped, r…2 not (synthetic.ts: i % 3 !== 2).
  const grants = [...chosen].map((id) =>
    Number(id.slice(1, 6)) % 3 !== 2 ? { [id]: levels[Math.floor(random() * 3)]! } : id,
  );
  const yaml = [
    'apiVersion: policyc/v1',
    'kind: Role',
    'metadata: { name: bench-role }',
    'spec:',
    '  title: Bench role',
    '  description: Three hundred grants.',
    '  grants:',
    ...grants.map((g) => `    - ${JSON.stringify(g)}`),
  ];
  files['roles/bench-role.yaml'] = `${yaml.join('\n')}\n`;
  return { files, grants };
}

async function load(files: Record<string, string>): Promise<Module> {
  const encoder = new TextEncoder();
  const source: SetSource = {
    name: 'roles',
    dir: 'roles',
    files: Object.entries(files)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([f, t]) => ({ path: `roles/${f}`, bytes: encoder.encode(t) })),
    lockfile: undefined,
  };
  const c = compileSet(source, { outRoot: OUT });
  if (!c.ok) throw new Error(c.diagnostics.map((d) => d.message).join('; '));
  const dir = path.join(OUT, 'define-role');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'index.ts');
  writeFileSync(file, c.files.find((f) => f.name === 'index.ts')!.text);
  return (await import(pathToFileURL(file).href)) as Module;
}

/** Median µs per call of `f` over `rounds` rounds of `calls` calls, after as many calls to warm up. */
function perCall(f: () => void, rounds: number, calls: number): number {
  for (let i = 0; i < rounds * calls; i++) f();
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) f();
    times.push(Number(process.hrtime.bigint() - t0) / 1000 / calls);
  }
  return median(times);
}

async function main(): Promise<void> {
  const { files, grants } = benchSet();
  const g = await load(files);
  const definition = { id: 'custom-bench', title: 'Bench role (run time)', grants };
  const first = g.defineRole(definition);
  if (!first.ok || first.role === undefined) throw new Error(JSON.stringify(first.errors));
  const runtime = first.role;
  const compiled = g.Role['bench-role']!;
  const creator = g.subject([compiled]);

  // Agreement first: the two roles answer every question alike.
  const permissions = Object.values(g.Permission);
  const scopes = Object.values(g.Scope);
  for (const p of permissions)
    for (const s of scopes)
      if (g.can(runtime, p, s) !== g.can(compiled, p, s)) throw new Error(`disagree on ${p} at ${s}`);

  const rounds = quick ? 9 : 31;
  const define = perCall(() => g.defineRole(definition), rounds, quick ? 20 : 100);
  const defineGuarded = perCall(() => g.defineRole(definition, { grantedBy: creator }), rounds, quick ? 20 : 100);
  const checkOnly = perCall(() => g.checkRoleDefinition(definition), rounds, quick ? 20 : 100);

  // can(): the same question stream for both roles, half of them granted.
  const n = quick ? 200_000 : 1_000_000;
  const random = prng(7);
  const qp = new Int32Array(n);
  const qs = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    qp[i] = permissions[Math.floor(random() * permissions.length)]!;
    qs[i] = scopes[Math.floor(random() * scopes.length)]!;
  }
  const run = (role: number): [number, number] => {
    let hits = 0;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) if (g.can(role, qp[i]!, qs[i]!)) hits++;
    return [Number(process.hrtime.bigint() - t0) / n, hits];
  };
  for (let w = 0; w < 5; w++) {
    run(compiled);
    run(runtime);
  }
  const a: number[] = [];
  const b: number[] = [];
  let hitsA = 0;
  let hitsB = 0;
  for (let r = 0; r < (quick ? 21 : 101); r++) {
    const [ta, ha] = run(compiled);
    const [tb, hb] = run(runtime);
    a.push(ta);
    b.push(tb);
    hitsA = ha;
    hitsB = hb;
  }
  if (hitsA !== hitsB) throw new Error('the two roles answered differently');
  const ratio = median(b) / median(a);
  const m = machine();
  const results = {
    machine: m,
    permissions: permissions.length,
    grants: grants.length,
    defineRoleUs: define,
    defineRoleGrantedByUs: defineGuarded,
    checkRoleDefinitionUs: checkOnly,
    canCompiledNs: median(a),
    canRuntimeNs: median(b),
    ratio,
    hitsPerRound: hitsA,
    checksPerRound: n,
  };
  mkdirSync(OUT, { recursive: true });
  writeFileSync(path.join(OUT, 'define-role.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(
    `${table(
      ['measure', 'result'],
      [
        ['set', `${permissions.length} permissions × ${scopes.length} scopes, 21 compiled roles`],
        ['`defineRole`, 300 grants', `${fmt(define)} µs`],
        ['`defineRole`, 300 grants, with `grantedBy`', `${fmt(defineGuarded)} µs`],
        ['`checkRoleDefinition`, 300 grants', `${fmt(checkOnly)} µs`],
        ['`can()` on the compiled role (median ns/check)', fmt(median(a))],
        ['`can()` on the run-time role (median ns/check)', fmt(median(b))],
        ['run-time / compiled', `${fmt(ratio)}× (target ≤ 1.2×)`],
      ],
    )}\n\n${m.cpu}, Node ${m.node}; ${quick ? 'quick' : 'full'} run, ${n.toLocaleString('en')} checks per round.\n`,
  );
}

await main();
