import type { Numbering } from '../allocate/lockfile.js';
import type { Model } from '../model/model.js';
import { buildManifest, contentHash } from './manifest.js';
import { generateModule } from './typescript-module.js';
import { roleSchema } from './role-schema.js';
import { buildTables } from './tables.js';

/** One file of a set's generated output, relative to its folder (generated/<set>/). */
export interface EmittedFile {
  readonly name: string;
  readonly text: string;
}

export interface Emitted {
  readonly files: readonly EmittedFile[];
  readonly hash: string;
}

/**
 * The generated files of one set: `index.ts` (the module), `manifest.json` and `role.schema.json`
 * (run-time role definitions). Deterministic: no time, no machine.
 */
export function emitSet(
  model: Model,
  numbering: Numbering,
  options: { generator: string; sourceDir: string },
): Emitted {
  const tables = buildTables(model, numbering);
  // The schema first: the manifest records its hash, so a folder mixing two builds is detected (PC606).
  const schemaText = `${JSON.stringify(roleSchema(model, numbering, model.version), null, 2)}\n`;
  const manifest = buildManifest(model, numbering, tables, options.generator, schemaText);
  const hash = contentHash(manifest);
  const module = generateModule({
    model,
    numbering,
    tables,
    hash,
    generator: options.generator,
    sourceDir: options.sourceDir,
  });
  const manifestText = `${JSON.stringify({ ...manifest, set: { ...(manifest.set as object), hash } }, null, 2)}\n`;
  return {
    files: [
      { name: 'index.ts', text: module },
      { name: 'manifest.json', text: manifestText },
      { name: 'role.schema.json', text: schemaText },
    ],
    hash,
  };
}
