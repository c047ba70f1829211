import { CODES, type DiagnosticCode } from './codes.js';
import { compareSpans, type Span } from './span.js';

export type Severity = 'error' | 'warning';

/** A note attached to a diagnostic that points at another place (the other half of a duplicate, a cycle member). */
export interface RelatedInformation {
  readonly message: string;
  readonly span: Span;
}

/** One finding about the input: where, what, and how to fix it. */
export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  readonly span?: Span;
  readonly hint?: string;
  readonly related?: readonly RelatedInformation[];
}

/** Builds a diagnostic with the severity registered for its code. */
export function diagnostic(
  code: DiagnosticCode,
  message: string,
  span?: Span,
  extra: { hint?: string | undefined; related?: readonly RelatedInformation[] } = {},
): Diagnostic {
  return {
    code,
    severity: CODES[code].severity,
    message,
    ...(span ? { span } : {}),
    ...(extra.hint ? { hint: extra.hint } : {}),
    ...(extra.related && extra.related.length > 0 ? { related: extra.related } : {}),
  };
}

/** Collects diagnostics for one stage; stages append to it and callers ask whether errors occurred. */
export class Diagnostics {
  readonly items: Diagnostic[] = [];

  add(d: Diagnostic): void {
    this.items.push(d);
  }

  report(
    code: DiagnosticCode,
    message: string,
    span?: Span,
    extra?: { hint?: string | undefined; related?: readonly RelatedInformation[] },
  ): void {
    this.items.push(diagnostic(code, message, span, extra));
  }

  addAll(ds: Iterable<Diagnostic>): void {
    for (const d of ds) this.items.push(d);
  }

  get errorCount(): number {
    return this.items.filter((d) => d.severity === 'error').length;
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }
}

/** Sorts by file and position (diagnostics without a span last), then by code; drops exact repeats. */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const unique = ds.filter((d) => {
    const key = `${d.code}\0${d.message}\0${d.span?.file}\0${d.span?.offset}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort((a, b) => {
    if (!a.span || !b.span) return a.span ? -1 : b.span ? 1 : a.code.localeCompare(b.code);
    return compareSpans(a.span, b.span) || a.code.localeCompare(b.code);
  });
}
