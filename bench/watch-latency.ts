/**
 * Watch-mode rebuild latency: `startWatch` (what `policyc watch` runs) on a temporary copy of
 * policies/, then one-role edits of each shipped set: a grant the role does not have is added,
 * then removed again, alternately, so every edit changes the generated module. For each edit:
 * the rebuild time `policyc watch` reports (read + compile + write, after the debounce) and the
 * end-to-end latency from the file write to the rebuilt event (adds file-watching and the
 * debounce). Medians over the edits.
 *
 *   node --import tsx bench/watch-latency.ts [--quick] [--json <file>]
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';
import { analyzeSet } from '../src/analyze.js';
import { Diagnostics } from '../src/diagnostics/diagnostic.js';
import { readSetFolder } from '../src/load/discover.js';
import { startWatch, type WatchEvent } from '../src/watch.js';
import { type ProfileSummary, summariseProfile } from './scale.js';
import { argValue, fmt, fmtMs, median, table } from './util.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');

export interface WatchSetResult {
  readonly set: string;
  readonly roleFile: string;
  readonly edit: string;
  readonly edits: number;
  readonly rebuildMs: readonly number[];
  readonly endToEndMs: readonly number[];
  readonly medianRebuildMs: number;
  readonly medianEndToEndMs: number;
  readonly initialBuildMs: number;
  readonly failures: number;
  /** CPU profile of some more edits (not timed): where a rebuild's time goes. */
  readonly profile?: ProfileSummary;
}

export interface WatchResults {
  readonly debounceMs: number;
  readonly sets: readonly WatchSetResult[];
}

/** The watch's default debounce (src/watch.ts); the CLI passes none. */
const DEBOUNCE_MS = 40;

/** A role of the set and a grant line it does not have yet (an unscoped permission if there is one). */
async function chooseEdit(setDir: string): Promise<{ file: string; line: string }> {
  const analysis = analyzeSet(await readSetFolder(setDir, new Diagnostics()));
  const model = analysis.model;
  if (!model) throw new Error(`${setDir} has errors`);
  const rolesDir = path.join(setDir, 'roles');
  for (const f of readdirSync(rolesDir)
    .filter((x) => x.endsWith('.yaml'))
    .sort()) {
    const text = readFileSync(path.join(rolesDir, f), 'utf8');
    const name = /metadata:\s*\n\s*name:\s*(\S+)/.exec(text)?.[1] ?? /name:\s*(\S+)/.exec(text)?.[1];
    const role = model.roles.find((r) => r.name === name);
    if (!role || !/^ {2}grants:\s*$/m.test(text) || role.grants.some((g) => g.target.kind === 'all')) continue;
    // A permission the role does not hold at all, so that the edit changes its access.
    const candidate =
      model.permissions.find((p) => !p.scoped && !role.effective.has(p.id)) ??
      model.permissions.find((p) => !role.effective.has(p.id));
    if (!candidate) continue;
    const widest = model.scopes[model.scopes.length - 1]?.name;
    return {
      file: path.join(rolesDir, f),
      line: candidate.scoped && widest ? `    - ${candidate.id}: ${widest}` : `    - ${candidate.id}`,
    };
  }
  throw new Error(`no role of ${setDir} to edit`);
}

export async function runWatchLatency(
  edits: number,
  profiledEdits: number,
  log: (s: string) => void = (s) => process.stderr.write(`${s}\n`),
): Promise<WatchResults> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'policyc-bench-watch-'));
  const policies = path.join(tmp, 'policies');
  cpSync(path.join(ROOT, 'policies'), policies, { recursive: true });
  const sets = readdirSync(policies)
    .filter((d) => !d.startsWith('.'))
    .sort();
  const waiting = new Map<string, (e: WatchEvent) => void>();
  const initial = new Map<string, number>();
  const handle = startWatch({
    path: policies,
    out: path.join(tmp, 'generated'),
    onEvent: (e) => {
      if (e.initial) initial.set(e.set, e.ms);
      else waiting.get(e.set)?.(e);
    },
  });
  const results: WatchSetResult[] = [];
  try {
    await handle.ready;
    for (const set of sets) {
      const { file, line } = await chooseEdit(path.join(policies, set));
      const original = readFileSync(file, 'utf8');
      const edited = original.replace(/^( {2}grants:\s*\n)/m, `$1${line}\n`);
      const rebuildMs: number[] = [];
      const endToEndMs: number[] = [];
      let failures = 0;
      const edit = async (k: number): Promise<WatchEvent | undefined> => {
        const event = new Promise<WatchEvent | undefined>((resolve) => {
          const timer = setTimeout(() => resolve(undefined), 10_000);
          waiting.set(set, (e) => {
            clearTimeout(timer);
            resolve(e);
          });
        });
        writeFileSync(file, k % 2 === 0 ? edited : original);
        const e = await event;
        waiting.delete(set);
        return e;
      };
      for (let k = 0; k < edits; k++) {
        const started = performance.now();
        const e = await edit(k);
        const ended = performance.now();
        if (e?.kind !== 'built' || !e.written.some((w) => w.endsWith('index.ts'))) {
          failures++;
          log(
            `  ${set}: edit ${k + 1}: ${e ? `${e.kind}, wrote ${e.written.join(', ') || 'nothing'}` : 'no rebuild within 10 s'}`,
          );
        } else {
          rebuildMs.push(e.ms);
          endToEndMs.push(ended - started);
        }
        // Let the file watcher settle before the next edit.
        await new Promise((r) => setTimeout(r, 60));
      }
      // Some more edits under the CPU profiler (not timed: profiling slows them down).
      let profile: ProfileSummary | undefined;
      if (profiledEdits > 0) {
        const session = new Session();
        session.connect();
        await session.post('Profiler.enable');
        await session.post('Profiler.setSamplingInterval', { interval: 100 });
        await session.post('Profiler.start');
        for (let k = edits; k < edits + profiledEdits; k++) {
          await edit(k);
          await new Promise((r) => setTimeout(r, 60));
        }
        const { profile: cpu } = await session.post('Profiler.stop');
        session.disconnect();
        profile = summariseProfile(cpu, `${profiledEdits} watch rebuilds of ${set}`);
      }
      writeFileSync(file, original);
      const r: WatchSetResult = {
        set,
        roleFile: path.relative(tmp, file),
        edit: line.trim(),
        edits,
        rebuildMs,
        endToEndMs,
        medianRebuildMs: median(rebuildMs),
        medianEndToEndMs: median(endToEndMs),
        initialBuildMs: initial.get(set) ?? Number.NaN,
        failures,
        ...(profile ? { profile } : {}),
      };
      results.push(r);
      log(
        `  ${set}: rebuild median ${fmt(r.medianRebuildMs)} ms, write→rebuilt median ${fmt(r.medianEndToEndMs)} ms over ${rebuildMs.length} edits (initial build ${fmt(r.initialBuildMs)} ms)`,
      );
    }
  } finally {
    await handle.close();
    rmSync(tmp, { recursive: true, force: true });
  }
  return { debounceMs: DEBOUNCE_MS, sets: results };
}

export function watchMarkdown(w: WatchResults): string {
  return [
    `\`startWatch\` (the code of \`policyc watch\`, default ${w.debounceMs} ms debounce) on a temporary copy of policies/; each edit adds a grant to one role file, the next removes it. "Rebuild" is the time the watch reports for the rebuild (read the set, compile, write); "write → rebuilt" also includes file watching and the debounce.\n`,
    table(
      [
        'set',
        'role edited',
        'edits',
        'rebuild (median)',
        'rebuild (min–max)',
        'write → rebuilt (median)',
        'first build at start',
        'failed edits',
      ],
      w.sets.map((s) => [
        s.set,
        `${s.roleFile}: \`${s.edit}\``,
        String(s.edits),
        `${fmt(s.medianRebuildMs)} ms`,
        `${fmt(Math.min(...s.rebuildMs))}–${fmt(Math.max(...s.rebuildMs))} ms`,
        `${fmt(s.medianEndToEndMs)} ms`,
        `${fmt(s.initialBuildMs)} ms`,
        String(s.failures),
      ]),
      ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
    ...w.sets.flatMap((s) =>
      s.profile
        ? [
            `\nWhere a rebuild's time goes: CPU profile of ${s.profile.set} (more edits after the timed ones; ${fmtMs(s.profile.totalMs)} of CPU time, idle left out), self time by stage and the top functions.\n`,
            table(
              ['stage', 'self time', 'share'],
              s.profile.stages.map((x) => [x.stage, fmtMs(x.ms), `${fmt(x.share * 100)} %`]),
              ['l', 'r', 'r'],
            ),
            '',
            table(
              ['function (file:line)', 'self time', 'share'],
              s.profile.top.slice(0, 10).map((x) => [`\`${x.fn}\``, fmtMs(x.ms), `${fmt(x.share * 100)} %`]),
              ['l', 'r', 'r'],
            ),
          ]
        : [],
    ),
  ].join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const results = await runWatchLatency(quick ? 6 : 20, quick ? 2 : 10);
  const json = argValue(args, '--json') ?? path.join(HERE, '.out', 'watch.json');
  mkdirSync(path.dirname(json), { recursive: true });
  writeFileSync(json, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${watchMarkdown(results)}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
