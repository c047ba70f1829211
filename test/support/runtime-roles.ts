import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compileSet } from '../../src/compile.js';
import type { Model } from '../../src/model/model.js';
import type { RuntimeRoleModule } from './role-definitions.js';
import { evaluateModule } from './eval-module.js';
import { memorySet, ROOT } from './sets.js';

/** A fresh instance of a shipped set's generated module (its own run-time roles). */
export async function freshShipped(name: 'crm' | 'platform'): Promise<RuntimeRoleModule> {
  return evaluateModule<RuntimeRoleModule>(readFileSync(path.join(ROOT, 'generated', name, 'index.ts'), 'utf8'));
}

/** Compiles a set held in memory and loads a fresh instance of its module; returns the module, the model and the lockfile text. */
export async function compileMemory(
  name: string,
  files: Record<string, string>,
  lockfile?: string,
): Promise<{ g: RuntimeRoleModule; model: Model; lockfile: string }> {
  const c = compileSet(memorySet(name, files, lockfile), { outRoot: 'generated' });
  if (!c.ok || !c.model) throw new Error(`${name}: ${c.diagnostics.map((d) => d.message).join('; ')}`);
  const index = c.files.find((f) => f.name === 'index.ts')!;
  return { g: await evaluateModule<RuntimeRoleModule>(index.text), model: c.model, lockfile: c.lockfile!.text };
}
