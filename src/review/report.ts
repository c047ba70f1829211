import { toJson } from '../diagnostics/render.js';
import { type CatalogChanges, diffModels, type Escalation, type FieldChange, type RoleChange, type UserChange } from './diff.js';
import type { PreparedSet, Side } from './load.js';
import type { VersionCheck } from './version.js';

/** Version of the JSON report's shape (docs/diff-json-schema.md); bumped on any incompatible change. */
export const DIFF_FORMAT_VERSION = 1;

export interface SideInfo {
  readonly kind: 'git' | 'folder' | 'worktree';
  readonly label: string;
  readonly revision: string | null;
  readonly path: string;
}

export interface SetSideInfo {
  readonly dir: string;
  readonly version: string | null;
  readonly ok: boolean;
  /** Errors that stop the set from compiling, in the JSON shape of `policyc check --format json`. */
  readonly errors: readonly Record<string, unknown>[];
}

export type SetStatus = 'added' | 'removed' | 'changed' | 'unchanged' | 'error';

export interface SetReport {
  readonly name: string;
  readonly status: SetStatus;
  readonly base: SetSideInfo | null;
  readonly head: SetSideInfo | null;
  readonly version: VersionCheck | null;
  readonly escalations: readonly Escalation[];
  readonly roles: readonly RoleChange[];
  readonly users: readonly UserChange[];
  readonly catalog: CatalogChanges;
  readonly settings: readonly FieldChange[];
  /** Removals and losses of access (what `--fail-on removal` matches). */
  readonly removals: number;
}

export interface DiffSummary {
  readonly sets: number;
  readonly changed: number;
  readonly failed: number;
  readonly escalations: number;
  readonly removals: number;
  readonly rolesAdded: number;
  readonly rolesRemoved: number;
  readonly rolesChanged: number;
  readonly usersChanged: number;
  /** Sets whose declared version does not cover their changes. */
  readonly versionProblems: number;
}

export interface DiffReport {
  readonly formatVersion: typeof DIFF_FORMAT_VERSION;
  readonly base: SideInfo;
  readonly head: SideInfo;
  readonly summary: DiffSummary;
  /** Every escalation of every set, in set order: what reviewers must look at first. */
  readonly escalations: readonly Escalation[];
  readonly sets: readonly SetReport[];
}

const EMPTY_CATALOG: CatalogChanges = { permissions: [], actions: [], collections: [], scopes: null, other: [] };

function sideInfo(side: Side): SideInfo {
  return { kind: side.kind, label: side.label, revision: side.revision, path: side.path };
}

function setSide(set: PreparedSet | undefined): SetSideInfo | null {
  if (!set) return null;
  return { dir: set.dir, version: set.model?.version ?? null, ok: set.errors.length === 0, errors: set.errors.map(toJson) };
}

/** Compares every set of two sides (matched by name, in name order). */
export function buildReport(base: Side, head: Side): DiffReport {
  const names = [...new Set([...base.sets.map((s) => s.name), ...head.sets.map((s) => s.name)])].sort();
  const sets: SetReport[] = names.map((name) => {
    const b = base.sets.find((s) => s.name === name);
    const h = head.sets.find((s) => s.name === name);
    const common = { name, base: setSide(b), head: setSide(h) };
    if ((b && !b.model) || (h && !h.model)) {
      return { ...common, status: 'error', version: null, escalations: [], roles: [], users: [], catalog: EMPTY_CATALOG, settings: [], removals: 0 };
    }
    const changes = diffModels(b?.model, h?.model);
    const status: SetStatus = !b ? 'added' : !h ? 'removed' : changes.changed ? 'changed' : 'unchanged';
    return {
      ...common,
      status,
      version: changes.version,
      escalations: changes.escalations,
      roles: changes.roles,
      users: changes.users,
      catalog: changes.catalog,
      settings: changes.settings,
      removals: status === 'removed' ? Math.max(1, changes.removals) : status === 'changed' ? changes.removals : 0,
    };
  });
  const escalations = sets.flatMap((s) => s.escalations);
  return {
    formatVersion: DIFF_FORMAT_VERSION,
    base: sideInfo(base),
    head: sideInfo(head),
    summary: {
      sets: sets.length,
      changed: sets.filter((s) => s.status === 'added' || s.status === 'removed' || s.status === 'changed').length,
      failed: sets.filter((s) => s.status === 'error').length,
      escalations: escalations.length,
      removals: sets.reduce((n, s) => n + s.removals, 0),
      rolesAdded: sets.reduce((n, s) => n + s.roles.filter((r) => r.status === 'added').length, 0),
      rolesRemoved: sets.reduce((n, s) => n + s.roles.filter((r) => r.status === 'removed').length, 0),
      rolesChanged: sets.reduce((n, s) => n + s.roles.filter((r) => r.status === 'changed').length, 0),
      usersChanged: sets.reduce((n, s) => n + s.users.length, 0),
      versionProblems: sets.filter((s) => s.version !== null && !s.version.ok).length,
    },
    escalations,
    sets,
  };
}

/** CI gates: `--fail-on`. */
export type Gate = 'escalation' | 'removal' | 'any' | 'version';
export const GATES: readonly Gate[] = ['escalation', 'removal', 'any', 'version'];

/** The gates a report trips, with what tripped them. */
export function trippedGates(report: DiffReport, gates: readonly Gate[]): { gate: Gate; because: string }[] {
  const out: { gate: Gate; because: string }[] = [];
  const s = report.summary;
  for (const gate of gates) {
    if (gate === 'escalation' && s.escalations > 0) out.push({ gate, because: `${s.escalations} escalation${s.escalations === 1 ? '' : 's'}` });
    if (gate === 'removal' && s.removals > 0) out.push({ gate, because: `${s.removals} removal${s.removals === 1 ? '' : 's'} or loss${s.removals === 1 ? '' : 'es'} of access` });
    if (gate === 'any' && s.changed > 0) out.push({ gate, because: `${s.changed} set${s.changed === 1 ? '' : 's'} changed` });
    if (gate === 'version' && s.versionProblems > 0) out.push({ gate, because: `${s.versionProblems} set${s.versionProblems === 1 ? '' : 's'} need${s.versionProblems === 1 ? 's' : ''} a version bump` });
  }
  return out;
}
