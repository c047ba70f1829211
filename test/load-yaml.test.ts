import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { Diagnostics } from '../src/diagnostics/diagnostic.js';
import { decodeFile } from '../src/load/source.js';
import { YAML_ENVIRONMENT, parseYamlFile } from '../src/load/yaml.js';

/** The YAML stage on its own: plain values and positions, and the process environment left as it was. */

function parse(text: string) {
  const diagnostics = new Diagnostics();
  const file = decodeFile({ path: 'policies/x/role.yaml', bytes: new TextEncoder().encode(text) }, diagnostics)!;
  return { docs: parseYamlFile(file, diagnostics), diagnostics: diagnostics.items };
}

describe('parseYamlFile', () => {
  it('returns plain values and locates keys and values by pointer', () => {
    const { docs, diagnostics } = parse('kind: Role\nspec:\n  grants:\n    - "records:*": group\n    - users:view\n');
    expect(diagnostics).toEqual([]);
    expect(docs).toHaveLength(1);
    expect(docs[0]!.value).toEqual({ kind: 'Role', spec: { grants: [{ 'records:*': 'group' }, 'users:view'] } });
    expect(docs[0]!.locate(['spec', 'grants', 0, 'records:*'], 'key')).toMatchObject({
      line: 4,
      column: 7,
      endLine: 4,
      endColumn: 18,
    });
    expect(docs[0]!.locate(['spec', 'grants', 0, 'records:*'])).toMatchObject({ line: 4, column: 20, endColumn: 25 });
    expect(docs[0]!.locate(['spec', 'grants', 1])).toMatchObject({ line: 5, column: 7, endColumn: 17 });
  });

  // The parse runs with a plain copy of process.env (the yaml package reads it once per token);
  // the real environment object must be back afterwards, whatever happened during the parse.
  it('leaves process.env as it found it, after a clean parse and after a syntax error', () => {
    const real = process.env;
    process.env.POLICYC_TEST_MARKER = 'kept';
    try {
      parse('kind: Role\n');
      expect(process.env).toBe(real);
      const broken = parse('kind: "Role\n');
      expect(broken.diagnostics.map((d) => d.code)).toEqual(['PC101']);
      expect(process.env).toBe(real);
      expect(process.env.POLICYC_TEST_MARKER).toBe('kept');
    } finally {
      delete process.env.POLICYC_TEST_MARKER;
    }
  });

  // Only these variables are visible to the parser; if an upgrade of `yaml` reads another one,
  // the list must grow with it.
  it('gives the parser every environment variable the installed yaml package reads', () => {
    const dist = path.join(path.dirname(createRequire(import.meta.url).resolve('yaml')));
    const read = new Set<string>();
    for (const entry of readdirSync(dist, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
      const text = readFileSync(path.join(entry.parentPath, entry.name), 'utf8');
      for (const m of text.matchAll(/\benv(?:\.([A-Za-z_]\w*)|\[\s*['"]([^'"]+)['"]\s*\]|\b)/g))
        read.add(m[1] ?? m[2] ?? '(dynamic)');
    }
    expect([...read].sort()).toEqual([...YAML_ENVIRONMENT].sort());
  });

  it('passes the debugging switches through (LOG_STREAM makes yaml dump its tokens)', () => {
    const before = process.env.LOG_STREAM;
    const dir = vi.spyOn(console, 'dir').mockImplementation(() => undefined);
    process.env.LOG_STREAM = '1';
    try {
      expect(parse('kind: Role\n').docs).toHaveLength(1);
      expect(dir).toHaveBeenCalled();
    } finally {
      dir.mockRestore();
      if (before === undefined) delete process.env.LOG_STREAM;
      else process.env.LOG_STREAM = before;
    }
  });
});
