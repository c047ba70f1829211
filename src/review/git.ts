import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Diagnostics } from '../diagnostics/diagnostic.js';
import { fileSpan } from '../diagnostics/span.js';
import { LOCKFILE_NAME } from '../load/discover.js';
import { MAX_FILE_BYTES, type RawFile, type SetSource } from '../load/source.js';

/** A git command failed, or git is not there. */
export class GitError extends Error {}

/**
 * Read-only access to a git repository: resolves revisions and reads files straight from git
 * objects (`ls-tree`, `cat-file --batch`). Never checks anything out and never writes: the
 * working tree, the index and refs are left alone.
 */
export class GitRepo {
  /** The repository's top-level folder. */
  readonly root: string;

  private constructor(root: string) {
    this.root = root;
  }

  /** The repository containing `cwd`, or undefined when there is none (or no git). */
  static open(cwd: string): GitRepo | undefined {
    try {
      const root = git(cwd, ['rev-parse', '--show-toplevel']).toString('utf8').trim();
      return root === '' ? undefined : new GitRepo(root);
    } catch {
      return undefined;
    }
  }

  /** The full commit id a revision names, or undefined when it names no commit. */
  commit(revision: string): string | undefined {
    if (revision.startsWith('-') || revision.includes('\0')) return undefined;
    try {
      const out = git(this.root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${revision}^{commit}`])
        .toString('utf8')
        .trim();
      return /^[0-9a-f]{40,64}$/.test(out) ? out : undefined;
    } catch {
      return undefined;
    }
  }

  /** The best common ancestor of two commits. */
  mergeBase(a: string, b: string): string | undefined {
    try {
      const out = git(this.root, ['merge-base', a, b]).toString('utf8').trim();
      return /^[0-9a-f]{40,64}$/.test(out) ? out : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * The default branch to compare with: origin/HEAD, then main, then master (local, then on
   * origin). Returns the name as given and its commit.
   */
  defaultBranch(): { name: string; commit: string } | undefined {
    for (const name of ['origin/HEAD', 'main', 'master', 'origin/main', 'origin/master']) {
      const commit = this.commit(name);
      if (commit) return { name, commit };
    }
    return undefined;
  }

  /** Every file below `folder` (repository-relative, `''` for the root) at `commit`. */
  listFiles(
    commit: string,
    folder: string,
  ): { mode: string; type: string; object: string; size: number; path: string }[] {
    const args = ['ls-tree', '-r', '-z', '-l', '--full-tree', commit];
    if (folder !== '') args.push('--', folder);
    const out = git(this.root, args).toString('utf8');
    const files: { mode: string; type: string; object: string; size: number; path: string }[] = [];
    for (const record of out.split('\0')) {
      if (record === '') continue;
      const tab = record.indexOf('\t');
      const [mode, type, object, size] = record.slice(0, tab).split(/ +/) as [string, string, string, string];
      files.push({ mode, type, object, size: size === '-' ? 0 : Number(size), path: record.slice(tab + 1) });
    }
    return files;
  }

  /** The contents of blobs, by object id. */
  readBlobs(objects: readonly string[]): Map<string, Buffer> {
    const result = new Map<string, Buffer>();
    const unique = [...new Set(objects)];
    if (unique.length === 0) return result;
    const out = git(this.root, ['cat-file', '--batch'], `${unique.join('\n')}\n`);
    let at = 0;
    while (at < out.length) {
      const eol = out.indexOf(0x0a, at);
      if (eol < 0) break;
      const header = out.subarray(at, eol).toString('utf8');
      const [object, type, size] = header.split(' ') as [string, string, string | undefined];
      if (type === 'missing' || size === undefined) {
        at = eol + 1;
        continue;
      }
      const n = Number(size);
      result.set(object, out.subarray(eol + 1, eol + 1 + n));
      at = eol + 1 + n + 1;
    }
    return result;
  }
}

function git(cwd: string, args: readonly string[], input?: string): Buffer {
  try {
    return execFileSync('git', ['-c', 'core.quotepath=off', ...args], {
      cwd,
      input,
      maxBuffer: 1024 * 1024 * 1024,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
    });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === 'ENOENT') throw new GitError('git is not installed (or not on PATH)');
    throw new GitError((e.stderr?.toString('utf8') ?? String(error)).trim().split('\n')[0] ?? 'git failed');
  }
}

const POLICY_FILE = /\.ya?ml$/;

/** Whether a path inside a set folder is skipped, as the folder reader skips it (hidden files and folders, node_modules). */
function skipped(relative: string): boolean {
  return relative.split('/').some((s) => s.startsWith('.') || s === 'node_modules');
}

/**
 * The policy sets below `folder` (repository-relative) at `commit`, read from git objects,
 * laid out as the folder reader lays them out: the folder itself when it holds policy files
 * directly, otherwise each subfolder that does. Paths are repository-relative.
 */
export function readSetsAtCommit(repo: GitRepo, commit: string, folder: string): SetSource[] {
  const prefix = folder === '' ? '' : `${folder}/`;
  const entries = repo.listFiles(commit, folder).filter((e) => e.path.startsWith(prefix));
  const direct = entries.some((e) => {
    const rel = e.path.slice(prefix.length);
    return !rel.includes('/') && (POLICY_FILE.test(rel) || rel === LOCKFILE_NAME);
  });
  const setDirs = direct
    ? [folder]
    : [
        ...new Set(
          entries
            .map((e) => e.path.slice(prefix.length).split('/'))
            .filter((parts) => parts.length > 1 && !parts[0]!.startsWith('.') && parts[0] !== 'node_modules')
            .map((parts) => `${prefix}${parts[0]}`),
        ),
      ].sort();
  const sets: SetSource[] = [];
  for (const dir of setDirs) {
    const inner = entries.filter((e) => e.path.startsWith(`${dir}/`));
    const problems = new Diagnostics();
    const wanted = inner
      .filter((e) => {
        const rel = e.path.slice(dir.length + 1);
        return POLICY_FILE.test(rel) && !skipped(rel);
      })
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const lock = inner.find((e) => e.path === `${dir}/${LOCKFILE_NAME}` && e.type === 'blob');
    const readable = [...wanted, ...(lock ? [lock] : [])].filter(
      (e) => e.type === 'blob' && e.mode !== '120000' && e.size <= MAX_FILE_BYTES,
    );
    const blobs = repo.readBlobs(readable.map((e) => e.object));
    const files: RawFile[] = [];
    for (const e of wanted) {
      if (e.type !== 'blob') continue;
      if (e.mode === '120000') {
        problems.report(
          'PC108',
          'cannot read file: it is a symbolic link, which policyc does not follow inside a git revision',
          fileSpan(e.path),
          {
            hint: 'commit the file itself instead of a link to it',
          },
        );
        continue;
      }
      if (e.size > MAX_FILE_BYTES) {
        files.push({ path: e.path, bytes: new Uint8Array(0), size: e.size });
        continue;
      }
      files.push({ path: e.path, bytes: new Uint8Array(blobs.get(e.object) ?? Buffer.alloc(0)) });
    }
    if (files.length === 0 && problems.items.length === 0) continue;
    const lockfile =
      lock && blobs.has(lock.object) ? { path: lock.path, bytes: new Uint8Array(blobs.get(lock.object)!) } : undefined;
    sets.push({
      name: path.posix.basename(dir === '' ? repo.root.split(path.sep).join('/') : dir),
      dir: dir === '' ? '.' : dir,
      files,
      lockfile,
      readDiagnostics: problems.items,
    });
  }
  return sets;
}
