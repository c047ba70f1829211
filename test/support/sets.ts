import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeSet, type Analysis } from '../../src/analyze.js';
import { Diagnostics } from '../../src/diagnostics/diagnostic.js';
import { readSetFolder } from '../../src/load/discover.js';
import type { RawFile, SetSource } from '../../src/load/source.js';
import type { Model } from '../../src/model/model.js';

/** The repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Analyses a set folder of the repository (`policies/crm`). */
export async function analyzeFolder(relative: string): Promise<Analysis> {
  return analyzeSet(await readSetFolder(path.join(ROOT, relative), new Diagnostics()));
}

/** The model of a shipped set; fails the test when the set has errors. */
export async function shippedModel(name: 'crm' | 'platform'): Promise<Model> {
  const a = await analyzeFolder(`policies/${name}`);
  if (!a.model) throw new Error(`policies/${name} has errors: ${a.diagnostics.map((d) => d.message).join('; ')}`);
  return a.model;
}

/** A set held in memory: file name to YAML text. */
export function memorySet(name: string, files: Record<string, string>, lockfile?: string): SetSource {
  const encoder = new TextEncoder();
  const raw: RawFile[] = Object.entries(files)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([file, text]) => ({ path: `${name}/${file}`, bytes: encoder.encode(text) }));
  return {
    name,
    dir: name,
    files: raw,
    lockfile:
      lockfile === undefined ? undefined : { path: `${name}/policyc.lock.json`, bytes: encoder.encode(lockfile) },
  };
}
