import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VALIDATOR_PATH, validatorSource } from '../src/validate/schema-codegen.js';

describe('the precompiled schema validator', () => {
  it('is generated from the current schemas/policyc-v1.schema.json (run `npm run generate:validator`)', () => {
    expect(readFileSync(VALIDATOR_PATH, 'utf8')).toBe(validatorSource());
  });

  it('imports its ajv runtime helpers and never calls require() (the package is ESM)', () => {
    const text = readFileSync(VALIDATOR_PATH, 'utf8');
    expect(text).not.toMatch(/\brequire\(/);
    expect(text).toMatch(/^import runtime_\w+ from 'ajv\/dist\/runtime\/\w+\.js';$/m);
  });
});
