import { type JsonDiagnostic, toJson } from '../diagnostics/render.js';
import {
  type CatalogChanges,
  diffModels,
  type Escalation,
  type FieldChange,
  type RoleChange,
  type UserChange,
} from './diff.js';
import type { PreparedSet, Side } from './sides.js';
import { compareNumbering, type NumberChange } from './numbering.js';
import type { VersionCheck } from './version-bump.js';

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
  readonly errors: readonly JsonDiagnostic[];
}

export type SetStatus = 'added' | 'removed' | 'changed' | 'unchanged' | 'error';

export interface SetReport {
  /** The set's name at HEAD (at BASE when removed). */
  readonly name: string;
  /** The set's name at BASE when it was renamed (PolicySet metadata.previousNames); null otherwise. */
  readonly renamedFrom: string | null;
  readonly status: SetStatus;
  readonly base: SetSideInfo | null;
  readonly head: SetSideInfo | null;
  readonly version: VersionCheck | null;
  readonly escalations: readonly Escalation[];
  readonly roles: readonly RoleChange[];
  readonly users: readonly UserChange[];
  readonly catalog: CatalogChanges;
  readonly settings: readonly FieldChange[];
  /** Lockfile numbers that changed meaning: breaking for every stored number (what `--fail-on renumbering` matches). */
  readonly numbering: readonly NumberChange[];
  /** Removals and losses of access (what `--fail-on removal` matches). */
  readonly removals: number;
}

export interface DiffSummary {
  readonly sets: number;
  readonly changed: number;
  readonly failed: number;
  readonly escalations: number;
  readonly removals: number;
  /** Breaking changes of lockfile numbers, over all sets. */
  readonly renumbered: number;
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
  return {
    dir: set.dir,
    version: set.model?.version ?? null,
    ok: set.errors.length === 0,
    errors: set.errors.map(toJson),
  };
}

/**
 * Pairs BASE and HEAD sets: by name, else a HEAD set that lists a BASE set (gone at HEAD) in its
 * previousNames, or whose committed lockfile still names it, continues that set. Pairs are in
 * HEAD name order, with removed sets by their BASE name.
 */
function pairSets(
  base: Side,
  head: Side,
): { name: string; renamedFrom: string | null; b: PreparedSet | undefined; h: PreparedSet | undefined }[] {
  const headNames = new Set(head.sets.map((s) => s.name));
  const claimed = new Set<string>();
  const formerOf = new Map<string, string>();
  for (const h of head.sets) {
    if (base.sets.some((b) => b.name === h.name)) continue;
    const candidates = [
      ...(h.model?.previousNames ?? []),
      ...(h.lockfile && h.lockfile.set !== h.name ? [h.lockfile.set] : []),
    ];
    const former = candidates.find((n) => !headNames.has(n) && !claimed.has(n) && base.sets.some((b) => b.name === n));
    if (former === undefined) continue;
    claimed.add(former);
    formerOf.set(h.name, former);
  }
  const names = [
    ...new Set([...base.sets.map((s) => s.name).filter((n) => !claimed.has(n)), ...head.sets.map((s) => s.name)]),
  ].sort();
  return names.map((name) => {
    const former = formerOf.get(name);
    return {
      name,
      renamedFrom: former ?? null,
      b: base.sets.find((s) => s.name === (former ?? name)),
      h: head.sets.find((s) => s.name === name),
    };
  });
}

/** Compares every set of two sides (matched by name or across a rename, in name order). */
export function buildReport(base: Side, head: Side): DiffReport {
  const sets: SetReport[] = pairSets(base, head).map(({ name, renamedFrom, b, h }) => {
    const common = { name, renamedFrom, base: setSide(b), head: setSide(h) };
    if ((b && !b.model) || (h && !h.model)) {
      return {
        ...common,
        status: 'error',
        version: null,
        escalations: [],
        roles: [],
        users: [],
        catalog: EMPTY_CATALOG,
        settings: [],
        numbering: [],
        removals: 0,
      };
    }
    const numbering = b?.lockfile && h?.numbering && h.model ? compareNumbering(b.lockfile, h.numbering, h.model) : [];
    const changes = diffModels(b?.model, h?.model, numbering);
    const status: SetStatus = !b
      ? 'added'
      : !h
        ? 'removed'
        : changes.changed || renamedFrom !== null
          ? 'changed'
          : 'unchanged';
    return {
      ...common,
      status,
      version: changes.version,
      escalations: changes.escalations,
      roles: changes.roles,
      users: changes.users,
      catalog: changes.catalog,
      settings: changes.settings,
      numbering: changes.numbering,
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
      renumbered: sets.reduce((n, s) => n + s.numbering.length, 0),
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

/** CI gates: `--fail-on`. `any` includes every other kind of change, renumbering too. */
export type Gate = 'escalation' | 'removal' | 'renumbering' | 'any' | 'version';
export const GATES: readonly Gate[] = ['escalation', 'removal', 'renumbering', 'any', 'version'];

/** The gates a report trips, with what tripped them. */
export function trippedGates(report: DiffReport, gates: readonly Gate[]): { gate: Gate; because: string }[] {
  const out: { gate: Gate; because: string }[] = [];
  const s = report.summary;
  for (const gate of gates) {
    if (gate === 'escalation' && s.escalations > 0)
      out.push({ gate, because: `${s.escalations} escalation${s.escalations === 1 ? '' : 's'}` });
    if (gate === 'removal' && s.removals > 0)
      out.push({
        gate,
        because: `${s.removals} removal${s.removals === 1 ? '' : 's'} or loss${s.removals === 1 ? '' : 'es'} of access`,
      });
    if (gate === 'renumbering' && s.renumbered > 0)
      out.push({ gate, because: `${s.renumbered} lockfile number${s.renumbered === 1 ? '' : 's'} changed meaning` });
    if (gate === 'any' && s.changed > 0)
      out.push({ gate, because: `${s.changed} set${s.changed === 1 ? '' : 's'} changed` });
    if (gate === 'version' && s.versionProblems > 0)
      out.push({
        gate,
        because: `${s.versionProblems} set${s.versionProblems === 1 ? '' : 's'} need${s.versionProblems === 1 ? 's' : ''} a version bump`,
      });
  }
  return out;
}
