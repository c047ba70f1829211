// Keeps bench/warnings.ts honest: its synthetic set must yield exactly W warnings, all PC505, in
// one file, and no error (else the bench would time an error path). No timing.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { warningSet } from '../bench/warnings.js';
import { Diagnostics } from '../src/diagnostics/diagnostic.js';
import { renderHuman, colors } from '../src/diagnostics/render.js';
import { readSetFolder } from '../src/load/discover.js';
import { runPipeline } from '../src/pipeline/run.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'policyc-bench-warnings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bench/warnings.ts', () => {
  it.each([1, 7, 5001])('a set of W = %i yields W warnings PC505 in one file and no error', async (w) => {
    const setDir = path.join(dir, `warnings-${w}`);
    for (const [file, text] of Object.entries(warningSet(`warnings-${w}`, w))) {
      mkdirSync(path.dirname(path.join(setDir, file)), { recursive: true });
      writeFileSync(path.join(setDir, file), text);
    }
    const source = await readSetFolder(setDir, new Diagnostics());
    const run = runPipeline(source, 'allocate');
    expect(run.ok).toBe(true);
    expect(run.diagnostics).toHaveLength(w);
    expect(new Set(run.diagnostics.map((d) => `${d.code} ${d.span?.file}`))).toEqual(
      new Set([`PC505 ${path.join(setDir, 'roles', 'redundant.yaml')}`]),
    );
    // The human form points at the grant it is about (the lazily found span of the last grant).
    const last = run.diagnostics[w - 1]!;
    expect(renderHuman(last, run.files, colors(false))).toContain(
      `> ${w + 8} |     - r${String(w - 1).padStart(5, '0')}:view`,
    );
  });
});
