import { createHash } from 'node:crypto';
import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Lockfile } from '../allocate/lockfile.js';
import { analyzeSet, type Analysis } from '../analyze.js';
import type { DiagnosticCode } from '../diagnostics/codes.js';
import { type Diagnostic, Diagnostics } from '../diagnostics/diagnostic.js';
import { discoverSets, displayPath } from '../load/discover.js';
import type { SetSource } from '../load/source.js';
import type { Model } from '../model/model.js';
import { GitError, GitRepo, readSetsAtCommit } from './git.js';

/** A problem with the command line (exit code 2): a bad revision, a missing folder, no repository. */
export class UsageError extends Error {
  readonly code: DiagnosticCode;
  readonly hint: string | undefined;
  constructor(code: DiagnosticCode, message: string, hint?: string) {
    super(message);
    this.code = code;
    this.hint = hint;
  }
}

/** One version of the policy sets: a git revision, a folder, or the working tree. */
export interface Side {
  readonly kind: 'git' | 'folder' | 'worktree';
  /** How the side is shown: the revision as given, the folder, or "working tree". */
  readonly label: string;
  /** The full commit id for a git revision. */
  readonly revision: string | null;
  /** The policies folder that was read (repository-relative for a revision). */
  readonly path: string;
  readonly sets: readonly PreparedSet[];
}

/** A set compiled far enough to diff: analysed, and its lockfile checked. */
export interface PreparedSet {
  readonly name: string;
  readonly dir: string;
  readonly analysis: Analysis;
  /** Undefined when the set has errors. */
  readonly model: Model | undefined;
  /** Errors only: warnings do not stop a diff. */
  readonly errors: readonly Diagnostic[];
  /** The committed lockfile as read: the numbers this side promised; undefined when there is none. */
  readonly lockfile: Lockfile | undefined;
  /** The numbers this side uses: its lockfile after allocation (what `policyc build` writes); undefined when the set has errors. */
  readonly numbering: Lockfile | undefined;
}

export interface LoadOptions {
  readonly cwd: string;
  readonly base: string | undefined;
  readonly head: string | undefined;
  /** The policies folder, relative to cwd (`policies`). */
  readonly path: string;
}

/** Recently prepared sets by content: the same files give the same result, so a repeated diff (tests, watch loops) skips the work. */
const prepared = new Map<string, PreparedSet>();
const PREPARED_LIMIT = 16;

function contentKey(source: SetSource): string {
  const h = createHash('sha256');
  const add = (s: string | Uint8Array) => {
    const bytes = typeof s === 'string' ? Buffer.from(s) : s;
    h.update(`${bytes.length}:`);
    h.update(bytes);
  };
  add(source.name);
  add(source.dir);
  for (const f of [...source.files, ...(source.lockfile ? [source.lockfile] : [])]) {
    add(f.path);
    add(String(f.size ?? -1));
    add(f.bytes);
  }
  add(JSON.stringify(source.readDiagnostics ?? []));
  return h.digest('hex');
}

/** Compiles a set as far as a diff needs (no code is emitted): front end, then the lockfile rules (a removed role needs a transfer). */
export function prepareSet(source: SetSource): PreparedSet {
  const key = contentKey(source);
  const cached = prepared.get(key);
  if (cached) return cached;
  const result = prepareUncached(source);
  prepared.set(key, result);
  if (prepared.size > PREPARED_LIMIT) prepared.delete(prepared.keys().next().value!);
  return result;
}

function prepareUncached(source: SetSource): PreparedSet {
  const analysis = analyzeSet(source);
  // The analysis ran up to and including allocation: lockfile problems are among its findings.
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  const model = errors.length > 0 ? undefined : analysis.model;
  // The committed lockfile as read, and the numbers this side uses (what `policyc build` writes).
  const lockfile = analysis.lockfile?.lockfile;
  const numbering = model ? analysis.allocation?.lockfile : undefined;
  return { name: source.name, dir: source.dir, analysis, model, errors, lockfile, numbering };
}

/** Re-expresses a folder-read set's paths relative to `cwd` (the folder reader makes them relative to the process's directory). */
function relocate(source: SetSource, cwd: string): SetSource {
  const move = (p: string) => displayPath(path.resolve(process.cwd(), p), cwd);
  return {
    ...source,
    dir: move(source.dir),
    files: source.files.map((f) => ({ ...f, path: move(f.path) })),
    lockfile: source.lockfile ? { ...source.lockfile, path: move(source.lockfile.path) } : undefined,
  };
}

/** Reads policy sets from a folder: `<folder>/<policies path>` when the folder is a checkout, else the folder itself. */
async function readFolder(
  cwd: string,
  folder: string,
  policiesPath: string,
): Promise<{ sets: SetSource[]; path: string }> {
  const abs = path.resolve(cwd, folder);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new UsageError('PC902', `no such folder: ${folder}`);
  const inner = path.resolve(abs, policiesPath);
  const target =
    !path.isAbsolute(policiesPath) && inner !== abs && existsSync(inner) && statSync(inner).isDirectory() ? inner : abs;
  const found = new Diagnostics();
  const sets = (await discoverSets(target, found)).map((s) => relocate(s, cwd));
  return { sets, path: displayPath(target, cwd) };
}

/** Whether an argument is written as a path (`./old`, `../x`, `/abs`): it then never names a revision. */
function looksLikePath(arg: string): boolean {
  return arg === '.' || arg === '..' || arg.startsWith('./') || arg.startsWith('../') || path.isAbsolute(arg);
}

/**
 * Loads BASE and HEAD. A revision is read from git objects (nothing is checked out); a folder
 * or the working tree from disk. Defaults: BASE is the merge base of HEAD with the default
 * branch, HEAD is the working tree.
 */
export async function loadSides(options: LoadOptions): Promise<{ base: Side; head: Side }> {
  const cwd = realpathSync(options.cwd);
  const repo = GitRepo.open(cwd);
  const policiesAbs = path.resolve(cwd, options.path);
  const repoPath = repo ? path.relative(repo.root, policiesAbs).split(path.sep).join('/') : undefined;
  const inRepo = repoPath !== undefined && !repoPath.startsWith('..') && !path.isAbsolute(repoPath);

  type Spec = { kind: 'git'; label: string; commit: string } | { kind: 'folder'; label: string } | { kind: 'worktree' };
  const classify = (arg: string): Spec => {
    const commit = !looksLikePath(arg) && repo ? repo.commit(arg) : undefined;
    if (commit) return { kind: 'git', label: arg, commit };
    const abs = path.resolve(cwd, arg);
    if (existsSync(abs) && statSync(abs).isDirectory()) return { kind: 'folder', label: arg };
    if (!repo) {
      throw new UsageError(
        'PC903',
        `\`${arg}\` is not a folder, and ${cwd} is not in a git repository, so it cannot be a revision`,
        'pass two folders, or run policyc diff inside a git repository',
      );
    }
    throw new UsageError(
      'PC903',
      `\`${arg}\` is neither a git revision nor a folder`,
      'name a branch, tag or commit (`main`, `HEAD~1`, `origin/main`), or a folder of policy sets',
    );
  };

  const headSpec: Spec = options.head === undefined ? { kind: 'worktree' } : classify(options.head);
  let baseSpec: Spec;
  if (options.base !== undefined) baseSpec = classify(options.base);
  else {
    if (!repo)
      throw new UsageError(
        'PC903',
        `${cwd} is not in a git repository, so there is no default BASE`,
        'pass BASE explicitly: a folder of policy sets to compare with',
      );
    const branch = repo.defaultBranch();
    if (!branch)
      throw new UsageError(
        'PC903',
        'cannot find the default branch (tried origin/HEAD, main, master)',
        'pass BASE explicitly, for example `policyc diff origin/main`',
      );
    const against = headSpec.kind === 'git' ? headSpec.commit : repo.commit('HEAD');
    const base = against ? repo.mergeBase(branch.commit, against) : undefined;
    if (!base)
      throw new UsageError(
        'PC903',
        `no common ancestor of ${branch.name} and ${headSpec.kind === 'git' ? headSpec.label : 'HEAD'}`,
        'pass BASE explicitly',
      );
    baseSpec = { kind: 'git', label: `merge-base of ${branch.name}`, commit: base };
  }

  const load = async (spec: Spec): Promise<Side> => {
    if (spec.kind === 'git') {
      if (!repo || !inRepo)
        throw new UsageError(
          'PC903',
          `the policies folder ${options.path} is outside the git repository, so it cannot be read at \`${spec.label}\``,
        );
      let sources: SetSource[];
      try {
        sources = readSetsAtCommit(repo, spec.commit, repoPath === '' ? '' : repoPath!);
      } catch (error) {
        if (error instanceof GitError)
          throw new UsageError('PC903', `cannot read ${repoPath} at \`${spec.label}\`: ${error.message}`);
        throw error;
      }
      return {
        kind: 'git',
        label: spec.label,
        revision: spec.commit,
        path: repoPath === '' ? '.' : repoPath!,
        sets: sources.map(prepareSet),
      };
    }
    if (spec.kind === 'folder') {
      const { sets, path: read } = await readFolder(cwd, spec.label, options.path);
      return { kind: 'folder', label: spec.label, revision: null, path: read, sets: sets.map(prepareSet) };
    }
    const exists = existsSync(policiesAbs) && statSync(policiesAbs).isDirectory();
    const sets = exists ? (await discoverSets(policiesAbs, new Diagnostics())).map((s) => relocate(s, cwd)) : [];
    return {
      kind: 'worktree',
      label: 'working tree',
      revision: null,
      path: displayPath(policiesAbs, cwd),
      sets: sets.map(prepareSet),
    };
  };
  const base = await load(baseSpec);
  const head = await load(headSpec);
  if (base.sets.length === 0 && head.sets.length === 0) {
    throw new UsageError(
      'PC902',
      `no policy sets in ${options.path} at ${base.label} nor at ${head.label}`,
      'pass --path with the folder that holds the policy sets',
    );
  }
  return { base, head };
}
