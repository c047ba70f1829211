import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { SourceFile } from '../load/source.js';
import {
  customRoleDiagnostics,
  definitionsFor,
  installCustomRoles,
  type LoadedCustomRole,
  type StoredDefinitions,
} from './stored-roles.js';
import { type AccessDelta, deltaEmpty, diffModels, type Escalation } from './diff.js';
import { type PreparedSet, type Side, UsageError } from './sides.js';

/**
 * "Which custom roles gain what when we upgrade the catalog": the stored run-time role
 * definitions (`--custom-roles`) installed on both versions of their set, and compared like
 * compiled roles (src/review/diff.ts `diffModels`, so gains by a wildcard or an implication are
 * explained the same way). A definition HEAD's defineRole rejects is one the application could
 * no longer load: it is reported as such, and makes `diff` exit 1.
 */

/** One stored definition across the two versions. */
export interface CustomRoleEntry {
  /** `namespace/id`, or the id. */
  readonly role: string;
  readonly title: string | null;
  readonly file: string;
  readonly line: number;
  /** `rejected`: HEAD cannot load it; `new`: only HEAD can; `changed` / `unchanged`: what it gives. */
  readonly status: 'changed' | 'unchanged' | 'rejected' | 'new';
  /** Gained and lost access (null when rejected by HEAD). */
  readonly access: AccessDelta | null;
  /** Escalations of the run-time role (a sensitive permission gained, a scope widened to the widest …). */
  readonly escalations: readonly Escalation[];
  /** What loading it under HEAD changes (renamed ids, permissions that no longer exist) and why HEAD rejects it. */
  readonly warnings: readonly ProblemAt[];
  readonly errors: readonly ProblemAt[];
}

/** A defineRole problem with its place in the file. */
export interface ProblemAt {
  readonly path: string;
  readonly reason: string;
  readonly hint: string | null;
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** The run-time roles of one set. */
export interface CustomRoleSetReview {
  readonly set: string;
  readonly base: string | null;
  readonly head: string;
  readonly roles: readonly CustomRoleEntry[];
}

/** The run-time roles part of a diff. */
export interface CustomRoleReview {
  readonly source: string;
  readonly definitions: number;
  readonly sets: readonly CustomRoleSetReview[];
  /** PC701 (files), PC702 (rejected at HEAD, or at BASE), PC703 (loaded changed at HEAD). */
  readonly diagnostics: readonly Diagnostic[];
  readonly files: ReadonlyMap<string, SourceFile>;
  /** Definitions HEAD rejects. */
  readonly rejected: number;
}

function findBase(base: Side, head: PreparedSet): PreparedSet | undefined {
  const name = head.model!.name;
  return (
    base.sets.find((s) => s.model?.name === name) ??
    base.sets.find((s) => s.model !== undefined && head.model!.previousNames.includes(s.model.name))
  );
}

/** Installs the stored definitions on every set of both sides and compares each run-time role. */
export function reviewCustomRoles(stored: StoredDefinitions, base: Side, head: Side): CustomRoleReview {
  const heads = head.sets.filter((s) => s.model && s.numbering);
  const named = new Set(stored.definitions.map((d) => d.set).filter((s) => s !== undefined));
  const unnamed = stored.definitions.some((d) => d.set === undefined);
  const setNames = head.sets.map((s) => s.name);
  if (unnamed && head.sets.length > 1)
    throw new UsageError(
      'PC901',
      `--custom-roles: ${stored.label} has definitions that name no set, and ${head.label} has ${head.sets.length} sets (${setNames.join(', ')})`,
      'write the file as { "set": "<set>", "roles": [ … ] } so each definition goes to its set',
    );
  for (const name of named) {
    if (!head.sets.some((s) => s.name === name || s.model?.name === name || s.model?.previousNames.includes(name)))
      throw new UsageError(
        'PC901',
        `--custom-roles: ${stored.label} names the set \`${name}\`, which ${head.label} does not have`,
        `the sets are ${setNames.join(', ')}`,
      );
  }
  const diagnostics: Diagnostic[] = [...stored.diagnostics];
  const sets: CustomRoleSetReview[] = [];
  let rejected = 0;
  for (const h of heads) {
    const model = h.model!;
    const mine = definitionsFor(stored, model, true);
    if (mine.length === 0) continue;
    const b = findBase(base, h);
    const headRoles = installCustomRoles(model, h.numbering!, mine, stored.span);
    const baseRoles = b?.model && b.numbering ? installCustomRoles(b.model, b.numbering, mine, stored.span) : undefined;
    const where = (side: Side, version: string) => `${model.name} ${version} at ${side.label}`;
    diagnostics.push(...customRoleDiagnostics(headRoles.roles, stored.span, where(head, model.version)));
    if (baseRoles)
      diagnostics.push(
        ...customRoleDiagnostics(
          baseRoles.roles.filter((r) => !r.ok),
          stored.span,
          where(base, b!.model!.version),
        ),
      );
    const changes = diffModels(baseRoles?.model, headRoles.model);
    const at = (r: LoadedCustomRole, p: { path: string; reason: string; hint?: string }): ProblemAt => {
      const span = stored.span(r.stored.file, `${r.stored.pointer}${p.path}`);
      return {
        path: p.path,
        reason: p.reason,
        hint: p.hint ?? null,
        file: span.file,
        line: span.line,
        column: span.column,
      };
    };
    const roles: CustomRoleEntry[] = headRoles.roles.map((r, i) => {
      const before = baseRoles?.roles[i];
      const span = stored.span(r.stored.file, r.stored.pointer);
      const written = (r.stored.value as { title?: unknown } | null)?.title;
      const title = r.definition?.title ?? before?.definition?.title ?? (typeof written === 'string' ? written : null);
      const common = {
        role: r.key,
        title,
        file: span.file,
        line: span.line,
        warnings: r.warnings.map((w) => at(r, w)),
        errors: r.errors.map((e) => at(r, e)),
      };
      if (!r.ok) {
        rejected++;
        return { ...common, status: 'rejected', access: null, escalations: [] };
      }
      const change = changes.roles.find((c) => c.role === r.key && c.status !== 'removed');
      const access = change?.access ?? { permissions: [], collections: [], everything: null };
      const escalations = changes.escalations.filter((e) => e.subject.kind === 'role' && e.subject.name === r.key);
      const status = before?.ok ? (deltaEmpty(access) ? 'unchanged' : 'changed') : 'new';
      return { ...common, status, access, escalations };
    });
    sets.push({ set: model.name, base: b?.model?.version ?? null, head: model.version, roles });
  }
  return {
    source: stored.label,
    definitions: stored.definitions.length,
    sets,
    diagnostics,
    files: stored.files,
    rejected,
  };
}

/** The review as JSON (files left out). */
export function customRoleReviewJson(r: CustomRoleReview): Record<string, unknown> {
  return { source: r.source, definitions: r.definitions, rejected: r.rejected, sets: r.sets };
}
