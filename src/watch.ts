import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { type FSWatcher, watch } from 'chokidar';
import type { AnalysisCache } from './analyze.js';
import { type Compilation, compileSet } from './compile.js';
import { Diagnostics, type Diagnostic } from './diagnostics/diagnostic.js';
import { discoverSets, LOCKFILE_NAME, readSetFolder } from './load/discover.js';
import type { SetSource } from './load/source.js';

/** What one (re)build of a set did. */
export interface WatchEvent {
  /** `built`: output written or already current; `failed`: errors, the last good output stays. */
  readonly kind: 'built' | 'failed' | 'error';
  readonly set: string;
  /** Milliseconds from the start of the rebuild (after the debounce) to its end. */
  readonly ms: number;
  readonly written: readonly string[];
  readonly compilation: Compilation | undefined;
  readonly diagnostics: readonly Diagnostic[];
  /** Why an `error` happened (policyc itself failed; the watch goes on). */
  readonly message?: string;
  /** True for the builds done when the watch starts. */
  readonly initial: boolean;
  /**
   * What `policyc build` would change in the lockfile ("role guest gets number 9"): watch never
   * writes it, so that a key that exists only between two saves never takes a number forever.
   * Empty when the lockfile is current.
   */
  readonly lockfilePending: readonly string[];
}

export interface WatchOptions {
  /** A set folder or a folder of sets. */
  readonly path: string;
  readonly out: string;
  readonly locked?: boolean;
  /** Quiet time after the last change before rebuilding (editors write in bursts). */
  readonly debounceMs?: number;
  readonly onEvent: (event: WatchEvent) => void;
  /** Problems finding the sets (no folder, no set). */
  readonly onProblem?: (diagnostics: readonly Diagnostic[]) => void;
}

export interface WatchHandle {
  /** Resolves when every set has been built once and the file watcher is ready. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Watches policy files and rebuilds the set a change belongs to. A policy error never stops
 * the watch: it is reported and the last good output stays in place. Numbers are allocated in
 * memory against the committed lockfile and the lockfile is left to `policyc build`: an edit
 * that was never built on purpose must not reserve a number (numbers are never reused), and
 * `build --check --locked` in CI catches a lockfile that was not updated.
 */
export function startWatch(options: WatchOptions): WatchHandle {
  const root = path.resolve(options.path);
  const debounce = options.debounceMs ?? 40;
  const timers = new Map<string, NodeJS.Timeout>();
  const running = new Map<string, Promise<void>>();
  const again = new Set<string>();
  let watcher: FSWatcher | undefined;
  /** Per set, the parsing of its unchanged files, so a one-file edit re-parses one file. */
  const caches = new Map<string, AnalysisCache>();
  let closed = false;
  /** Set folders (absolute), longest first so that nested paths match their own set. */
  let setDirs: string[] = [];
  /** Per set, the bytes the last build read, to notice changes the file watcher did not report. */
  const built = new Map<string, SetSource>();
  const settleTimers = new Map<string, NodeJS.Timeout>();

  const rebuild = async (dir: string, initial: boolean): Promise<void> => {
    const started = performance.now();
    const name = path.basename(dir);
    try {
      const source = await readSetFolder(dir, new Diagnostics());
      built.set(dir, source);
      let cache = caches.get(dir);
      if (!cache) caches.set(dir, (cache = new Map()));
      // Every stage; `write` replaces the generated files and leaves the lockfile to `policyc build`.
      const compilation = compileSet(source, {
        outRoot: options.out,
        locked: options.locked === true,
        cache,
        write: { mode: 'write', lockfile: false },
      });
      const written = compilation.output.written;
      const failure = compilation.output.diagnostics;
      options.onEvent({
        kind: compilation.ok && failure.length === 0 ? 'built' : 'failed',
        set: compilation.model?.name ?? name,
        ms: performance.now() - started,
        written,
        compilation,
        diagnostics: [...compilation.diagnostics, ...failure],
        initial,
        lockfilePending: compilation.ok && compilation.lockfileChanged ? (compilation.allocation?.changes ?? []) : [],
      });
    } catch (error) {
      options.onEvent({
        kind: 'error',
        set: name,
        ms: performance.now() - started,
        written: [],
        compilation: undefined,
        diagnostics: [],
        message: error instanceof Error ? error.message : String(error),
        initial,
        lockfilePending: [],
      });
    }
  };

  /** Runs rebuilds of one set one at a time; a change during a rebuild queues exactly one more. */
  const schedule = (dir: string) => {
    if (closed) return;
    clearTimeout(timers.get(dir));
    timers.set(
      dir,
      setTimeout(() => {
        timers.delete(dir);
        if (running.has(dir)) {
          again.add(dir);
          return;
        }
        const run = rebuild(dir, false).finally(() => {
          running.delete(dir);
          if (again.delete(dir)) schedule(dir);
          else settle(dir);
        });
        running.set(dir, run);
      }, debounce),
    );
  };

  /**
   * A moment after a rebuild, checks that the set's files still hold what was built: the file
   * watcher drops a change that follows another one to the same file within ~50 ms, and a
   * rebuild that read the files before that second write would otherwise stay stale.
   */
  const settle = (dir: string) => {
    clearTimeout(settleTimers.get(dir));
    settleTimers.set(
      dir,
      setTimeout(() => {
        settleTimers.delete(dir);
        if (closed || running.has(dir) || timers.has(dir)) return;
        const previous = built.get(dir);
        void readSetFolder(dir, new Diagnostics()).then((now) => {
          if (previous && !sameFiles(previous, now)) schedule(dir);
        });
      }, 100),
    );
  };

  const setOf = (file: string): string | undefined => {
    const known = setDirs.find((d) => file === d || file.startsWith(d + path.sep));
    if (known) return known;
    // A file in a new folder of a folder of sets starts a new set.
    const rel = path.relative(root, file);
    if (rel.startsWith('..') || rel === '') return undefined;
    const first = rel.split(path.sep)[0]!;
    const dir = path.join(root, first);
    if (dir === file) return undefined;
    setDirs = [...setDirs, dir].sort((a, b) => b.length - a.length);
    return dir;
  };

  const ready = (async () => {
    const found = new Diagnostics();
    const sources = await discoverSets(root, found);
    if (found.items.length > 0) options.onProblem?.(found.items);
    const dirs = sources.map((s) => path.resolve(s.dir));
    setDirs = [...dirs].sort((a, b) => b.length - a.length);
    for (const dir of dirs) await rebuild(dir, true);
    if (closed) return;
    watcher = watch(root, {
      ignoreInitial: true,
      ignored: (p: string) => {
        const base = path.basename(p);
        return (base.startsWith('.') && p !== root) || base === 'node_modules' || base === LOCKFILE_NAME;
      },
    });
    watcher.on('all', (event, file) => {
      if (!/\.ya?ml$/.test(file) && event !== 'unlinkDir') return;
      const dir = setOf(path.resolve(file));
      if (dir) schedule(dir);
    });
    await new Promise<void>((resolve) => watcher!.once('ready', () => resolve()));
  })();

  return {
    ready,
    async close() {
      closed = true;
      for (const t of [...timers.values(), ...settleTimers.values()]) clearTimeout(t);
      timers.clear();
      settleTimers.clear();
      await ready.catch(() => undefined);
      await watcher?.close();
      await Promise.all(running.values());
    },
  };
}

/** Whether two reads of a set found the same files with the same bytes. */
function sameFiles(a: SetSource, b: SetSource): boolean {
  if (a.files.length !== b.files.length) return false;
  return a.files.every((f, i) => {
    const g = b.files[i]!;
    return f.path === g.path && f.bytes.length === g.bytes.length && Buffer.compare(f.bytes, g.bytes) === 0;
  });
}
