import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Lockfile, NumberTable } from '../allocate/lockfile.js';
import { type Diagnostic, diagnostic } from '../diagnostics/diagnostic.js';
import { fileSpan } from '../diagnostics/span.js';
import { ROLE_SCHEMA_FILE, sha256 } from '../emit/manifest.js';

/**
 * Whether a set's generated folder is the output of one build that its lockfile agrees with.
 * A build renames its files one at a time (the lockfile first); a kill between two renames, or
 * a lockfile restored on its own, leaves a module of one build beside a manifest of another, or
 * numbers the lockfile does not record, or a role.schema.json of another build than the manifest
 * (which records its hash). `check` and `build --check` report that as PC606, with
 * the repair: `policyc build` rewrites the set's output from the policies.
 */

const REPAIR =
  "an interrupted build or a partial checkout left it: run `policyc build` (it rewrites the set's output from the policies and the lockfile) and commit the result";
const HASH = /sha256:[0-9a-f]{64}/;

interface Numbered {
  readonly id?: unknown;
  readonly path?: unknown;
  readonly no?: unknown;
}

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Numbers of one table as the manifest lists them, by key. */
function numbersOf(list: unknown, key: 'id' | 'path'): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (Array.isArray(list))
    for (const x of list as Numbered[]) if (typeof x?.[key] === 'string') out.set(x[key] as string, x.no);
  return out;
}

/** The first key whose number in the manifest is not the lockfile's (active or reserved). */
function disagreement(manifest: Map<string, unknown>, table: NumberTable | undefined): string | undefined {
  for (const [key, no] of manifest) {
    const locked = table?.active.get(key) ?? table?.reserved.get(key);
    if (locked !== no)
      return `\`${key}\` is number ${String(no)} in the manifest, ${locked === undefined ? 'but the lockfile does not record it' : `${locked} in the lockfile`}`;
  }
  return undefined;
}

/**
 * Checks `<outDir>` (generated/<set>) against the set's committed lockfile. Reports nothing when
 * the folder holds no output yet: a missing file is `build --check`'s PC604, not a mix.
 */
export function checkGeneratedConsistency(outDir: string, lockfile: Lockfile | undefined): Diagnostic[] {
  const modulePath = path.join(outDir, 'index.ts');
  const manifestPath = path.join(outDir, 'manifest.json');
  const shown = (p: string) => p.split(path.sep).join('/');
  const moduleText = read(modulePath);
  const manifestText = read(manifestPath);
  if (moduleText === undefined || manifestText === undefined) return [];
  const report = (message: string, file: string) => [
    diagnostic('PC606', message, fileSpan(shown(file)), { hint: REPAIR }),
  ];

  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(manifestText) as Record<string, unknown>;
  } catch {
    return report(`${shown(manifestPath)} is not JSON: it is not a manifest policyc wrote`, manifestPath);
  }
  const moduleHash = HASH.exec(moduleText)?.[0];
  const manifestHash = (manifest.set as { hash?: unknown } | undefined)?.hash;
  if (moduleHash !== manifestHash) {
    return report(
      `${shown(outDir)} mixes two builds: index.ts is build ${moduleHash ?? '(none)'}, manifest.json is build ${typeof manifestHash === 'string' ? manifestHash : '(none)'}`,
      modulePath,
    );
  }
  // The schema of run-time roles: the manifest records the hash of the one its build wrote.
  const schemaPath = path.join(outDir, ROLE_SCHEMA_FILE);
  const schemaText = read(schemaPath);
  const recorded = (manifest.customRoles as { schemaHash?: unknown } | undefined)?.schemaHash;
  if (schemaText !== undefined && typeof recorded === 'string' && sha256(schemaText) !== recorded) {
    return report(
      `${shown(outDir)} mixes two builds: ${ROLE_SCHEMA_FILE} is not the schema manifest.json's build wrote (${recorded})`,
      schemaPath,
    );
  }
  const collections = new Map<string, unknown>();
  const tables: [string, Map<string, unknown>, NumberTable | undefined][] = [
    ['permission', numbersOf(manifest.permissions, 'id'), lockfile?.permissions],
    ['role', numbersOf(manifest.roles, 'id'), lockfile?.roles],
    ['scope', numbersOf(manifest.scopes, 'id'), lockfile?.scopes],
  ];
  if (Array.isArray(manifest.collections)) {
    for (const c of manifest.collections as { id?: unknown; entries?: unknown }[]) {
      if (typeof c?.id === 'string') collections.set(c.id, c.entries);
    }
  }
  for (const [name, entries] of collections)
    tables.push([`${name} entry`, numbersOf(entries, 'path'), lockfile?.collections.get(name)]);
  for (const [noun, numbers, table] of tables) {
    const wrong = disagreement(numbers, table);
    if (wrong) return report(`${shown(outDir)} does not match the lockfile: ${noun} ${wrong}`, manifestPath);
  }
  return [];
}
