import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { glob } from 'tinyglobby';
import { Diagnostics } from '../diagnostics/diagnostic.js';
import { fileSpan } from '../diagnostics/span.js';
import { MAX_FILE_BYTES, type RawFile, type SetSource } from './source.js';

/** The lockfile's name inside a set's folder. */
export const LOCKFILE_NAME = 'policyc.lock.json';

const POLICY_GLOB = ['**/*.yaml', '**/*.yml'];
const PASS_A_SET_FOLDER = 'pass the folder of a policy set (policies/crm) or of several sets (policies/)';
const IGNORE = ['**/node_modules/**', '**/.*/**'];

/** A path for display: relative to the working directory when below it, always with `/`. */
export function displayPath(absolute: string, cwd = process.cwd()): string {
  const rel = path.relative(cwd, absolute);
  const shown = rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? absolute : rel;
  return shown.split(path.sep).join('/');
}

/**
 * The folder of the set a policy file belongs to: the nearest folder at or above the file's that
 * holds the lockfile or the PolicySet document (a role file sits in `roles/`, its set above it).
 */
function setFolderOf(file: string): string | undefined {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    try {
      const entries = readdirSync(dir, { withFileTypes: true });
      const isSetRoot = entries.some(
        (e) =>
          e.isFile() &&
          (e.name === LOCKFILE_NAME ||
            (/\.ya?ml$/.test(e.name) &&
              statSync(path.join(dir, e.name)).size <= MAX_FILE_BYTES &&
              /^kind:\s*PolicySet\s*$/m.test(readFileSync(path.join(dir, e.name), 'utf8')))),
      );
      if (isSetRoot) return dir;
    } catch {
      break;
    }
    if (path.dirname(dir) === dir) break;
  }
  return undefined;
}

function setHint(file: string): string {
  const set = setFolderOf(file);
  return set ? `pass the folder of its set: ${displayPath(set)}` : PASS_A_SET_FOLDER;
}

/**
 * Finds the policy sets at `target`: the folder itself when it holds policy files directly
 * (`policies/crm`), otherwise each subfolder that holds policy files (`policies/`).
 */
export async function discoverSets(target: string, diagnostics: Diagnostics): Promise<SetSource[]> {
  const absolute = path.resolve(target);
  let stat;
  try {
    stat = statSync(absolute);
  } catch {
    diagnostics.report('PC902', `no such folder: ${displayPath(absolute)}`, undefined, {
      hint: PASS_A_SET_FOLDER,
    });
    return [];
  }
  if (!stat.isDirectory()) {
    diagnostics.report('PC902', `${displayPath(absolute)} is a file; policyc reads policy sets by folder`, undefined, {
      hint: setHint(absolute),
    });
    return [];
  }
  const direct = readdirSync(absolute, { withFileTypes: true });
  const isSet = direct.some((e) => e.isFile() && (/\.ya?ml$/.test(e.name) || e.name === LOCKFILE_NAME));
  const folders = isSet
    ? [absolute]
    : direct
        .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules')
        .map((e) => path.join(absolute, e.name))
        .sort();
  const sets: SetSource[] = [];
  for (const folder of folders) {
    const set = await readSetFolder(folder, diagnostics);
    if (set.files.length > 0 || (set.readDiagnostics?.length ?? 0) > 0) sets.push(set);
  }
  if (sets.length === 0) {
    diagnostics.report('PC902', `no policy set found in ${displayPath(absolute)}`, undefined, {
      hint: 'a policy set is a folder of *.yaml files with one `kind: PolicySet` document; `policyc init` creates one',
    });
  }
  return sets;
}

/**
 * Reads every policy file of one set's folder (and its lockfile), in path order. A file that
 * cannot be read is reported in the set's `readDiagnostics`, so that whoever analyses the set
 * reports it with the set's other findings; `_diagnostics` receives nothing and is kept for callers.
 */
export async function readSetFolder(folder: string, _diagnostics: Diagnostics): Promise<SetSource> {
  const absolute = path.resolve(folder);
  const problems = new Diagnostics();
  const names = (await glob(POLICY_GLOB, { cwd: absolute, ignore: IGNORE, onlyFiles: true, dot: false })).sort();
  const boundary = repositoryRoot(absolute);
  const realDirs = new Map<string, string>();
  const files: RawFile[] = [];
  for (const name of names) {
    const full = path.join(absolute, name);
    if (!staysInside(full, boundary, problems, realDirs)) continue;
    const file = readRaw(full, problems);
    if (file) files.push(file);
  }
  reportBrokenLinks(absolute, problems);
  const lockPath = path.join(absolute, LOCKFILE_NAME);
  let lockfile: RawFile | undefined;
  try {
    if (statSync(lockPath).isFile() && staysInside(lockPath, boundary, problems, realDirs))
      lockfile = readRaw(lockPath, problems);
  } catch {
    lockfile = undefined;
  }
  return {
    name: path.basename(absolute),
    dir: displayPath(absolute),
    files,
    lockfile,
    readDiagnostics: problems.items,
  };
}

/**
 * The folder no file of a set may leave, by real path: the git work tree holding the set (the
 * nearest folder at or above it with a `.git`), or the set's own folder outside git.
 */
function repositoryRoot(setFolder: string): string {
  // Walk up the path as given, not the real one: a set folder that is itself a link out of the
  // repository must not carry the boundary along with it.
  for (let dir = path.resolve(setFolder); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, '.git'))) return realpathSync(dir);
    if (path.dirname(dir) === dir) return realpathSync(setFolder);
  }
}

/**
 * A file's real path: a file that is not itself a link is in its folder's real path (resolved
 * once per folder, kept in `realDirs`); a link is resolved whole. One lstat per file instead of
 * one per folder on its path: discovery of a set of thousands of files was bound by realpath.
 */
function realPathOf(file: string, realDirs: Map<string, string>): string {
  if (lstatSync(file).isSymbolicLink()) return realpathSync.native(file);
  const dir = path.dirname(file);
  let realDir = realDirs.get(dir);
  if (realDir === undefined) {
    realDir = realpathSync.native(dir);
    realDirs.set(dir, realDir);
  }
  return path.join(realDir, path.basename(file));
}

/**
 * Whether a file's real path (every symbolic link on its way resolved) lies inside `boundary`.
 * A file that leaves it is refused with PC108 at the link and never read: in CI, a pull request
 * could otherwise link a role file to /etc/passwd or a secret and have it printed in a code frame.
 * A path that cannot be resolved passes here; reading it reports why.
 */
function staysInside(file: string, boundary: string, diagnostics: Diagnostics, realDirs: Map<string, string>): boolean {
  let real: string;
  try {
    real = realPathOf(file, realDirs);
  } catch {
    return true;
  }
  const rel = path.relative(boundary, real);
  if (rel !== '' && !rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel)) return true;
  let how = 'a folder on its path is a symbolic link';
  try {
    if (lstatSync(file).isSymbolicLink()) how = `it is a symbolic link to ${readlinkSync(file)}`;
  } catch {
    // Keep the general wording: the link changed while we looked.
  }
  diagnostics.report(
    'PC108',
    `refused to read file: ${how}, which leads outside the repository (${displayPath(boundary)})`,
    fileSpan(displayPath(file)),
    {
      hint: 'policyc reads only files inside the repository that holds the set: copy the file into the repository instead of linking to it',
    },
  );
  return false;
}

/**
 * Policy files the glob skips silently: symbolic links whose target is missing. A role file
 * that is a dangling link would otherwise just disappear from the set.
 */
function reportBrokenLinks(absolute: string, diagnostics: Diagnostics): void {
  const entries = readdirSync(absolute, { recursive: true, withFileTypes: true });
  const broken = entries
    .filter((e) => e.isSymbolicLink() && /\.ya?ml$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .filter(
      (full) =>
        !path
          .relative(absolute, full)
          .split(path.sep)
          .some((s) => s.startsWith('.') || s === 'node_modules'),
    )
    .sort();
  for (const full of broken) {
    try {
      statSync(full);
    } catch (error) {
      let target = '?';
      try {
        target = readlinkSync(full);
      } catch {
        // Keep '?': the link vanished while we looked.
      }
      diagnostics.report(
        'PC108',
        `cannot read file: it is a symbolic link to ${target}, which ${(error as NodeJS.ErrnoException).code === 'ELOOP' ? 'loops back on itself' : 'does not exist'}`,
        fileSpan(displayPath(full)),
        { hint: 'restore the file the link points to, or delete the link' },
      );
    }
  }
}

function readRaw(file: string, diagnostics: Diagnostics): RawFile | undefined {
  const shown = displayPath(file);
  try {
    const size = statSync(file).size;
    // Oversized files are refused by the decoder; do not read gigabytes to say so.
    if (size > MAX_FILE_BYTES) return { path: shown, bytes: new Uint8Array(0), size };
    return { path: shown, bytes: readFileSync(file) };
  } catch (error) {
    diagnostics.report(
      'PC108',
      `cannot read file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      fileSpan(shown),
      {
        hint: 'check that the file exists and is readable',
      },
    );
    return undefined;
  }
}
