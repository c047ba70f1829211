import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Location, Log, ReportingDescriptor, Result } from 'sarif';
import { CODES } from './codes.js';
import type { Diagnostic } from './diagnostic.js';
import type { Span } from './span.js';

/**
 * SARIF 2.1.0 (Static Analysis Results Interchange Format, OASIS), the format GitHub code
 * scanning and other CI tools read to show findings inline. `check --format sarif` and
 * `build --format sarif` print one log with one run; test/sarif.test.ts validates it against the
 * SARIF 2.1.0 JSON Schema.
 */
const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** The base every relative file URI of the log is relative to: the folder policyc ran in (the repository root in CI). */
const SARIF_SRCROOT = '%SRCROOT%';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/**
 * The diagnostics of one invocation as a SARIF log. Rules are the stable codes that occur, in
 * code order; results keep the diagnostics' order. The log holds no time, path of the machine or
 * other varying data, so the same input gives the same bytes.
 */
export function toSarif(diagnostics: readonly Diagnostic[]): Log {
  const codes = [...new Set(diagnostics.map((d) => d.code))].sort();
  const rules: ReportingDescriptor[] = codes.map((code) => ({
    id: code,
    name: CODES[code].name,
    shortDescription: { text: CODES[code].summary },
    defaultConfiguration: { level: CODES[code].severity },
  }));
  const results: Result[] = diagnostics.map((d) => result(d, codes.indexOf(d.code)));
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'policyc',
            semanticVersion: VERSION,
            version: VERSION,
            rules,
          },
        },
        // Spans count UTF-16 code units, as JavaScript strings do.
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

function result(d: Diagnostic, ruleIndex: number): Result {
  return {
    ruleId: d.code,
    ruleIndex,
    level: d.severity,
    message: { text: d.hint ? `${d.message}\nhint: ${d.hint}` : d.message },
    ...(d.span ? { locations: [location(d.span)] } : {}),
    ...(d.related && d.related.length > 0
      ? { relatedLocations: d.related.map((r, id) => ({ ...location(r.span), id, message: { text: r.message } })) }
      : {}),
  };
}

function location(span: Span): Location {
  // A span of a whole file (line 0, as for an unreadable file) has no region.
  const region =
    span.line > 0
      ? {
          region: {
            startLine: span.line,
            startColumn: span.column,
            endLine: span.endLine,
            // SARIF's endColumn is the column after the region, as policyc's is.
            endColumn: Math.max(span.endColumn, span.endLine === span.line ? span.column + 1 : 1),
          },
        }
      : {};
  return { physicalLocation: { artifactLocation: artifact(span.file), ...region } };
}

/** A file as a SARIF artifact: a relative URI against %SRCROOT%, or an absolute file: URI. */
function artifact(file: string): { uri: string; uriBaseId?: string } {
  if (path.isAbsolute(file)) return { uri: `file://${encodePath(file.split(path.sep).join('/'))}` };
  return { uri: encodePath(file), uriBaseId: SARIF_SRCROOT };
}

function encodePath(file: string): string {
  return file
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}
