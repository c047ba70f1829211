import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../src/diagnostics/diagnostic.js';
import { decodeFile } from '../src/load/source.js';
import { parseYamlFile } from '../src/load/yaml.js';

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
    expect(docs[0]!.locate(['spec', 'grants', 0, 'records:*'], 'key')).toMatchObject({ line: 4, column: 7, endLine: 4, endColumn: 18 });
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
});
