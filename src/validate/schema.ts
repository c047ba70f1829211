import type { ErrorObject } from 'ajv';
import type { Diagnostics } from '../diagnostics/diagnostic.js';
import { closest, didYouMean } from '../diagnostics/suggest.js';
import type { Pointer, YamlDocument } from '../load/yaml.js';
import validateSchema from './schema-validator.generated.js';

/** The apiVersion this policyc reads natively. */
const API_VERSION = 'policyc/v1';
/** The document kinds of policyc/v1. */
const KINDS = ['PolicySet', 'Catalog', 'Role', 'Assignments'] as const;
export type Kind = (typeof KINDS)[number];

type SchemaNode = Record<string, unknown>;

/**
 * The schema validator, precompiled from SCHEMA_PATH by ajv's standalone code generation
 * (src/validate/schema-codegen.ts): nothing is compiled when policyc starts.
 */
const validator = validateSchema as ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/**
 * Validates one document against the policyc/v1 schema, reporting each problem at the YAML node
 * it concerns. Returns the kind when the document is valid.
 */
export function validateDocument(doc: YamlDocument, diagnostics: Diagnostics): Kind | undefined {
  const value = doc.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    diagnostics.report('PC203', `a policy document must be a mapping, found ${describe(value)}`, doc.locate([]), {
      hint: 'start the document with `apiVersion: policyc/v1`, `kind`, `metadata` and `spec`',
    });
    return undefined;
  }
  const record = value as Record<string, unknown>;
  // apiVersion and kind decide how the rest is read: check them first, alone.
  if (!('apiVersion' in record)) {
    diagnostics.report('PC202', 'missing required field `apiVersion`', doc.locate([]), {
      hint: `add \`apiVersion: ${API_VERSION}\``,
    });
    return undefined;
  }
  if (record.apiVersion !== API_VERSION) {
    diagnostics.report(
      'PC205',
      `unsupported apiVersion ${JSON.stringify(record.apiVersion)}; this policyc reads ${API_VERSION}`,
      doc.locate(['apiVersion']),
      {
        hint:
          typeof record.apiVersion === 'string' && record.apiVersion.startsWith('policyc/')
            ? 'is policyc up to date?'
            : `use \`apiVersion: ${API_VERSION}\``,
      },
    );
    return undefined;
  }
  if (!('kind' in record)) {
    diagnostics.report('PC202', 'missing required field `kind`', doc.locate([]), {
      hint: `add \`kind:\` with one of ${KINDS.join(', ')}`,
    });
    return undefined;
  }
  if (typeof record.kind !== 'string' || !(KINDS as readonly string[]).includes(record.kind)) {
    const hint = typeof record.kind === 'string' ? didYouMean(record.kind, KINDS) : undefined;
    diagnostics.report('PC206', `unknown kind ${JSON.stringify(record.kind)}`, doc.locate(['kind']), {
      hint: hint ?? `kind is one of ${KINDS.join(', ')}`,
    });
    return undefined;
  }
  const validate = validator;
  if (validate(value)) return record.kind as Kind;
  for (const error of selectErrors(validate.errors ?? [])) reportSchemaError(doc, error, diagnostics);
  return undefined;
}

/**
 * Drops ajv's bookkeeping errors (if/then), repeats, and errors implied by a more precise one at
 * the same place: a missing field `spec` next to an unknown field `specs` is one typo, reported
 * once, as the unknown field with its did-you-mean.
 */
function selectErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const useful = errors.filter((e) => e.keyword !== 'if');
  const misspelled = (e: ErrorObject) =>
    e.keyword === 'required' &&
    useful.some(
      (o) =>
        o.keyword === 'additionalProperties' &&
        o.instancePath === e.instancePath &&
        closest(String((o.params as { additionalProperty: string }).additionalProperty), [
          String((e.params as { missingProperty: string }).missingProperty),
        ]) !== undefined,
    );
  const seen = new Set<string>();
  return useful.filter((e) => {
    const key = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(key) || misspelled(e)) return false;
    seen.add(key);
    return true;
  });
}

function toPointer(instancePath: string): (string | number)[] {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function fieldName(pointer: Pointer): string {
  for (let i = pointer.length - 1; i >= 0; i--) {
    const s = pointer[i];
    if (typeof s === 'string') {
      const rest = pointer.slice(i + 1);
      return rest.length > 0 ? `${s}[${rest.join('][')}]` : s;
    }
  }
  return 'document';
}

function reportSchemaError(doc: YamlDocument, error: ErrorObject, diagnostics: Diagnostics): void {
  const pointer = toPointer(error.instancePath);
  const field = fieldName(pointer);
  const parentSchema = (error.parentSchema ?? {}) as SchemaNode;
  const at = (p: Pointer, part: 'key' | 'value' = 'value') => doc.locate(p, part);
  switch (error.keyword) {
    case 'additionalProperties': {
      const extra = String((error.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys((parentSchema.properties as SchemaNode | undefined) ?? {});
      const hint =
        didYouMean(extra, allowed) ?? (allowed.length > 0 ? `allowed fields here: ${allowed.join(', ')}` : undefined);
      diagnostics.report('PC201', `unknown field \`${extra}\` in ${field}`, at([...pointer, extra], 'key'), { hint });
      return;
    }
    case 'required': {
      const missing = String((error.params as { missingProperty: string }).missingProperty);
      const span = pointer.length > 0 ? at(pointer, 'key') : at([]);
      diagnostics.report('PC202', `missing required field \`${missing}\` in ${field}`, span, {
        hint: `add \`${missing}:\``,
      });
      return;
    }
    case 'type': {
      const expected = String((error.params as { type: string | string[] }).type);
      const actual = valueAt(doc.value, pointer);
      const written = sourceText(doc, pointer);
      const grantLevel = pointer[1] === 'grants' && pointer.length === 4 ? String(pointer[3]) : undefined;
      let hint: string | undefined;
      if (expected === 'string' && pointer[pointer.length - 1] === 'version' && typeof actual === 'number') {
        hint = `YAML reads ${written} as a number; write the version as quoted semver: "${semver(written)}"`;
      } else if (expected === 'string' && (typeof actual === 'number' || typeof actual === 'boolean')) {
        hint = `quote it: "${written}"`;
      } else if (expected === 'boolean' && typeof actual === 'string') {
        hint = /^(yes|no|on|off|y|n)$/i.test(actual)
          ? `write \`true\` or \`false\` (YAML 1.2 reads \`${actual}\` as text)`
          : /^(true|false)$/i.test(actual)
            ? `remove the quotes: \`${actual.toLowerCase()}\``
            : 'write `true` or `false`';
      } else if (expected === 'array' && typeof actual === 'string') {
        hint = `write a list: [${actual}]`;
      } else if (actual === null) {
        hint = 'the value is empty; fill it in or remove the field';
      } else if (grantLevel !== undefined) {
        hint = `name the widest level you mean, such as \`- ${grantLevel}: ${Array.isArray(actual) ? String(actual[actual.length - 1]) : 'own'}\`: a level includes every narrower one`;
      }
      const what = grantLevel !== undefined ? `the level of grant \`${grantLevel}\`` : field;
      const found = typeof actual === 'number' ? `a number (${written})` : describe(actual);
      // An empty value has no text of its own: point at its key.
      diagnostics.report(
        'PC203',
        `${what} must be ${article(expected)}, found ${found}`,
        at(pointer, actual === null ? 'key' : 'value'),
        { hint },
      );
      return;
    }
    case 'const':
    case 'enum': {
      const allowed = (error.params as { allowedValues?: unknown[]; allowedValue?: unknown }).allowedValues ?? [
        (error.params as { allowedValue?: unknown }).allowedValue,
      ];
      const actual = valueAt(doc.value, pointer);
      const hint = typeof actual === 'string' ? didYouMean(actual, allowed.map(String)) : undefined;
      diagnostics.report(
        'PC204',
        `${field} must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}, found ${describe(actual)}`,
        at(pointer),
        { hint },
      );
      return;
    }
    case 'pattern': {
      const actual = valueAt(doc.value, pointer);
      const message =
        typeof parentSchema.patternErrorMessage === 'string'
          ? parentSchema.patternErrorMessage
          : `must match ${String((error.params as { pattern: string }).pattern)}`;
      let hint: string | undefined;
      if (typeof actual === 'string' && pointer[pointer.length - 1] === 'version' && /^\d+(\.\d+)?$/.test(actual)) {
        hint = `write "${semver(actual)}"`;
      } else if (
        typeof actual === 'string' &&
        String(parentSchema.pattern).startsWith('^[A-Za-z0-9_][A-Za-z0-9_.') &&
        !actual.includes(':')
      ) {
        const key = actual
          .trim()
          .toLowerCase()
          .replace(/[^a-z0-9_.@+-]+/g, '-')
          .replace(/^[-.@+]+|[-.@+]+$/g, '');
        if (key.length > 0 && key !== actual)
          hint = `write it as a key, such as \`${key}\`${pointer.join('/') === 'metadata/name' ? ` (and keep "${actual}" as spec.title)` : ''}`;
      }
      diagnostics.report('PC204', `${field}: ${describe(actual)} is not valid: ${message}`, at(pointer), { hint });
      return;
    }
    case 'propertyNames':
      // Reported again, more precisely, by the nested pattern error on the key.
      return;
    case 'minItems':
    case 'minProperties':
    case 'maxProperties':
    case 'minLength':
    case 'maxLength':
    case 'uniqueItems': {
      const actual = valueAt(doc.value, pointer);
      if (
        error.keyword === 'maxProperties' &&
        pointer[1] === 'grants' &&
        actual !== null &&
        typeof actual === 'object'
      ) {
        const items = Object.entries(actual).map(([k, v]) => `\`- ${k}: ${String(v)}\``);
        diagnostics.report('PC204', `${field} holds ${items.length} grants in one list item`, at(pointer), {
          hint: `write one grant per list item: ${items.join(', ')}; is a \`-\` missing?`,
        });
        return;
      }
      diagnostics.report('PC204', `${field} ${error.message ?? 'is not valid'}`, at(pointer));
      return;
    }
    default:
      diagnostics.report('PC204', `${field} ${error.message ?? 'is not valid'}`, at(pointer));
  }
}

function valueAt(value: unknown, pointer: Pointer): unknown {
  let v: unknown = value;
  for (const s of pointer) {
    if (v === null || typeof v !== 'object') return undefined;
    v = Array.isArray(v) ? v[s as number] : Object.hasOwn(v, s) ? (v as Record<string, unknown>)[s] : undefined;
  }
  return v;
}

/** A schema type in the words of the messages ("a list", "a string or a boolean"). */
function article(type: string): string {
  const words: Record<string, string> = {
    array: 'a list',
    object: 'a mapping',
    string: 'a string',
    boolean: 'a boolean',
    number: 'a number',
    integer: 'a whole number',
    null: 'empty',
  };
  return type
    .split(',')
    .map((t) => words[t] ?? `a ${t}`)
    .join(' or ');
}

/** The text of the value at `pointer` as written in the file (`1.0`, not the number 1). */
function sourceText(doc: YamlDocument, pointer: Pointer): string {
  const span = doc.locate(pointer);
  return doc.file.text.slice(span.offset, span.endOffset);
}

/** A version number completed to MAJOR.MINOR.PATCH: `1.0` becomes `1.0.0`. */
function semver(text: string): string {
  const parts = text.split('.');
  while (parts.length < 3) parts.push('0');
  return parts.join('.');
}

/** A short description of a value for messages: `a number (1.5)`, `a list`, `"text"`. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return `${typeof value === 'number' ? 'a number' : 'a boolean'} (${String(value)})`;
}
