import { describe, expect, it } from 'vitest';
import { duplicateJsonKey, readLockfile } from '../src/allocate/read-lockfile.js';
import { Diagnostics } from '../src/diagnostics/diagnostic.js';

/**
 * A lockfile that writes a key twice says two things (JSON.parse keeps the last): it is refused
 * with the second key underlined. The check runs without the YAML parser (src/allocate/read-lockfile.ts).
 */

const table = '{ "next": 1, "active": { "a": 0 }, "reserved": {} }';
const lockfile = (roles: string) =>
  `{ "lockfileVersion": 1, "set": "s", "permissions": ${table}, "roles": ${roles}, "scopes": ${table}, "collections": {} }`;

describe('duplicate keys in a lockfile', () => {
  it.each([
    ['in a table', '{ "next": 1, "active": { "a": 0, "a": 0 }, "reserved": {} }', '"a"', 2],
    ['spelt with an escape', '{ "next": 2, "active": { "a": 0, "\\u0061": 1 }, "reserved": {} }', '"\\u0061"', 1],
    [
      'after a value that looks like a key',
      '{ "next": 1, "active": { "x\\":": 0, "x\\":": 0 }, "reserved": {} }',
      '"x\\":"',
      2,
    ],
  ])('%s: refused (PC603), the second key underlined', (_, roles, key, nth) => {
    const text = lockfile(roles);
    const d = new Diagnostics();
    const { read } = readLockfile({ path: 'policyc.lock.json', bytes: Buffer.from(text) }, d);
    expect(read).toBeUndefined();
    const dup = d.items.find((x) => x.message.includes('written twice'));
    expect(dup?.code).toBe('PC603');
    let at = text.indexOf('"roles"');
    for (let i = 0; i < nth; i++) at = text.indexOf(key, at + 1);
    expect(dup?.span?.offset).toBe(at);
    expect(text.slice(dup!.span!.offset, dup!.span!.endOffset)).toBe(key);
  });

  it.each([
    ['keys repeated in different objects', '{ "a": { "k": 1 }, "b": { "k": 2 }, "c": [{ "k": 1 }, { "k": 2 }] }'],
    ['strings that hold quotes and colons', '{ "a": "\\":", "b": ["\\"x\\": 1", ":"] }'],
    ['deep nesting', `${'['.repeat(5000)}{ "a": 1 }${']'.repeat(5000)}`],
  ])('%s: no duplicate', (_, text) => {
    expect(duplicateJsonKey(text, JSON.parse(text))).toBeUndefined();
  });
});
