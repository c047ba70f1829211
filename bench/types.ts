/**
 * Generated types at scale: `tsc` (under tsconfig.generated.json, the strictest settings users
 * have) on the generated module of large synthetic sets, with its wall time and peak memory.
 * Large literal unions and `as const` arrays used to exceed TypeScript's limits (TS2590 from
 * ~1,000 roles on) while `build` reported ✔.
 *
 *   node --import tsx bench/types.ts [--quick] [--json <file>]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareCli, timedBuild } from './scale.js';
import { type SyntheticOptions, writeSyntheticSet } from './synthetic.js';
import { argValue, fmt, fmtBytes, table } from './util.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const OUT = path.join(HERE, '.out', 'types');

export interface TypesCase {
  readonly name: string;
  readonly options: SyntheticOptions;
}

/** One row each: the issue's two sizes. */
export const TYPES_CASES: readonly TypesCase[] = [
  { name: 'flat2000x5000u2000', options: { roles: 2000, permissions: 5000, users: 2000, seed: 42 } },
  {
    name: 'hier20000x300u2000',
    options: { roles: 20000, permissions: 300, users: 2000, density: 0.02, shape: 'hierarchical', seed: 7 },
  },
];
const QUICK_CASES: readonly TypesCase[] = [
  { name: 'flat1100x300u1300', options: { roles: 1100, permissions: 300, users: 1300, density: 0.05, seed: 15 } },
];

export interface TypesResult {
  readonly name: string;
  readonly roles: number;
  readonly permissions: number;
  readonly users: number;
  readonly built: boolean;
  readonly indexBytes: number;
  readonly tsc: {
    readonly ok: boolean;
    readonly wallS: number;
    readonly maxRssBytes: number;
    readonly message?: string;
  };
}

export interface TypesResults {
  readonly quick: boolean;
  readonly results: readonly TypesResult[];
}

function runTsc(dir: string, index: string): TypesResult['tsc'] {
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({ extends: path.join(ROOT, 'tsconfig.generated.json'), include: [index] }),
  );
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, tsc, '-p', path.join(dir, 'tsconfig.json')], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const m = /^([\d.]+) (\d+)$/.exec(last.trim());
  return {
    ok: r.status === 0,
    wallS: m ? Number(m[1]) : Number.NaN,
    maxRssBytes: m ? Number(m[2]) * 1024 : Number.NaN,
    ...(r.status === 0 ? {} : { message: r.stdout.split('\n').filter(Boolean).slice(0, 3).join(' / ') }),
  };
}

export function runTypes(quick: boolean, log: (s: string) => void): TypesResults {
  const { launcher } = prepareCli(log);
  const results: TypesResult[] = [];
  for (const c of quick ? QUICK_CASES : TYPES_CASES) {
    const base = path.join(OUT, c.name);
    rmSync(base, { recursive: true, force: true });
    mkdirSync(base, { recursive: true });
    const policies = writeSyntheticSet(base, c.name, c.options);
    const outDir = path.join(base, 'generated');
    log(`  ${c.name}: build…`);
    const build = timedBuild(launcher, path.join(policies, c.name), outDir, [], ['--no-cache']);
    const index = path.join(outDir, c.name, 'index.ts');
    const indexBytes = existsSync(index) ? statSync(index).size : 0;
    log(`  ${c.name}: tsc on ${fmtBytes(indexBytes)}…`);
    const tsc = build.ok
      ? runTsc(base, index)
      : { ok: false, wallS: Number.NaN, maxRssBytes: Number.NaN, message: `build failed: ${build.message}` };
    log(`    ${tsc.ok ? 'ok' : `FAILED ${tsc.message}`} ${fmt(tsc.wallS)} s, ${fmtBytes(tsc.maxRssBytes)}`);
    results.push({
      name: c.name,
      roles: c.options.roles,
      permissions: c.options.permissions,
      users: c.options.users ?? 0,
      built: build.ok,
      indexBytes,
      tsc,
    });
  }
  return { quick, results };
}

export function typesMarkdown(t: TypesResults): string {
  return [
    '`policyc build --no-cache` on a synthetic set, then `tsc -p` with a tsconfig.json that extends tsconfig.generated.json and includes only the generated index.ts, under `/usr/bin/time -f "%e %M"` (wall time and peak RSS of the tsc process).',
    '',
    table(
      ['roles × permissions (users)', 'index.ts', 'tsc', 'tsc wall', 'tsc peak RSS'],
      t.results.map((r) => [
        `${r.roles.toLocaleString('en-US')} × ${r.permissions.toLocaleString('en-US')} (${r.users.toLocaleString('en-US')} users)`,
        fmtBytes(r.indexBytes),
        r.tsc.ok ? 'type-checks' : `**fails**: ${r.tsc.message ?? ''}`,
        `${fmt(r.tsc.wallS)} s`,
        fmtBytes(r.tsc.maxRssBytes),
      ]),
      ['l', 'r', 'l', 'r', 'r'],
    ),
  ].join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const results = runTypes(args.includes('--quick'), (s) => process.stderr.write(`${s}\n`));
  const json = argValue(args, '--json');
  if (json) writeFileSync(json, JSON.stringify(results, null, 2));
  process.stdout.write(`${typesMarkdown(results)}\n`);
  if (results.results.some((r) => !r.tsc.ok)) process.exitCode = 1;
}
