import type { Colors } from '../diagnostics/render.js';
import type { GrantTarget, Model } from '../model/model.js';

/**
 * Policy coverage: which effective grants and collection entries of a set the scenarios
 * exercised.
 *
 * The items of a set:
 * - a **grant** (R, P, L) for every role R and every permission P that R holds after
 *   inheritance, wildcards and implications, L being the widest level R holds it at;
 * - an **entry** (R, C, E) for every role R and every entry E of collection C that R may use.
 *
 * What exercises them: a check that passed and showed access. "R can P at L" exercises (R, P, L)
 * when L is R's widest level for P: a check at a narrower level proves less than the grant
 * gives, and a denial proves no grant. A check on a user, or on several roles, exercises the
 * grant of each of the subject's roles that answers it on its own (the roles the subject
 * holds directly; their ancestors are part of each role's effective grants). "R can use E of C"
 * exercises (R, C, E) in the same way. Checks against a set a scenario changed ("When the role …
 * is renamed …") do not count: coverage is about the set as shipped.
 */
export class CoverageRecorder {
  private readonly grants = new Map<string, Set<string>>();
  private readonly entries = new Map<string, Set<string>>();
  private readonly used = new Set<string>();

  reset(): void {
    this.grants.clear();
    this.entries.clear();
    this.used.clear();
  }

  /** Notes that a scenario checks `set` (even if no check of it passed). */
  touch(set: string): void {
    this.used.add(set);
  }

  recordGrant(set: string, role: string, permission: string, level: number): void {
    bucket(this.grants, set).add(grantKey(role, permission, level));
  }

  recordEntry(set: string, role: string, collection: string, path: string): void {
    bucket(this.entries, set).add(entryKey(role, collection, path));
  }

  hasGrant(set: string, role: string, permission: string, level: number): boolean {
    return this.grants.get(set)?.has(grantKey(role, permission, level)) ?? false;
  }

  hasEntry(set: string, role: string, collection: string, path: string): boolean {
    return this.entries.get(set)?.has(entryKey(role, collection, path)) ?? false;
  }

  /** Whether any scenario checked `set`. */
  touched(set: string): boolean {
    return this.used.has(set) || this.grants.has(set) || this.entries.has(set);
  }
}

function bucket(map: Map<string, Set<string>>, key: string): Set<string> {
  let b = map.get(key);
  if (!b) {
    b = new Set();
    map.set(key, b);
  }
  return b;
}

const grantKey = (role: string, permission: string, level: number) => `${role}\u0000${permission}\u0000${level}`;
const entryKey = (role: string, collection: string, path: string) => `${role}\u0000${collection}\u0000${path}`;

/** The recorder the steps write to; `policyc test` resets it before a run and reads it after. */
export const coverage = new CoverageRecorder();

interface GrantItem {
  readonly role: string;
  readonly permission: string;
  readonly level: number;
}

interface EntryItem {
  readonly role: string;
  readonly collection: string;
  readonly path: string;
}

export interface SetCoverage {
  readonly set: string;
  /** Whether any scenario checked the set at all. */
  readonly tested: boolean;
  readonly grants: number;
  readonly entries: number;
  readonly missedGrants: readonly GrantItem[];
  readonly missedEntries: readonly EntryItem[];
  /** Exercised items over all items, 0–100 (100 for a set with nothing to cover). */
  readonly percent: number;
  readonly model: Model;
}

/** Every grant and entry item of a set, in role, then catalog order. */
export function coverageItems(model: Model): { grants: GrantItem[]; entries: EntryItem[] } {
  const grants: GrantItem[] = [];
  const entries: EntryItem[] = [];
  for (const role of model.roles) {
    for (const p of model.permissions) {
      const level = role.effective.get(p.id);
      if (level !== undefined) grants.push({ role: role.name, permission: p.id, level });
    }
    for (const c of model.collections) {
      const access = role.collections.get(c.name);
      for (const e of c.entries)
        if (access?.allowed.has(e.path)) entries.push({ role: role.name, collection: c.name, path: e.path });
    }
  }
  return { grants, entries };
}

/** The coverage of one set (keyed as the steps recorded it) from a recorder. */
export function setCoverage(key: string, model: Model, recorder: CoverageRecorder = coverage): SetCoverage {
  const items = coverageItems(model);
  const missedGrants = items.grants.filter((g) => !recorder.hasGrant(key, g.role, g.permission, g.level));
  const missedEntries = items.entries.filter((e) => !recorder.hasEntry(key, e.role, e.collection, e.path));
  const total = items.grants.length + items.entries.length;
  const hit = total - missedGrants.length - missedEntries.length;
  return {
    set: model.name,
    tested: recorder.touched(key),
    grants: items.grants.length,
    entries: items.entries.length,
    missedGrants,
    missedEntries,
    percent: total === 0 ? 100 : (hit / total) * 100,
    model,
  };
}

/** A percentage as printed: one decimal, never rounded up to 100.0 while something is missed. */
export function formatPercent(p: number): string {
  const text = p >= 100 ? '100.0' : Math.min(99.9, Math.floor(p * 10) / 10).toFixed(1);
  return `${text} %`;
}

function ratio(covered: number, total: number): string {
  if (total === 0) return '—';
  return `${covered}/${total}  ${formatPercent((covered / total) * 100)}`;
}

/** The coverage table and the list of what no scenario exercised. */
export function renderCoverage(
  report: readonly SetCoverage[],
  c: Colors,
  options: { limit?: number; width?: number } = {},
): string {
  const limit = options.limit ?? 200;
  const width = options.width ?? 100;
  const rows = report.map((r) => [
    r.set,
    ratio(r.grants - r.missedGrants.length, r.grants),
    ratio(r.entries - r.missedEntries.length, r.entries),
    r.tested ? formatPercent(r.percent) : `${formatPercent(r.percent)} (no scenario)`,
  ]);
  const header = ['set', 'grants', 'collection entries', 'total'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    `  ${cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join('   ')}`;
  const out: string[] = [c.bold('Policy coverage'), line(header)];
  report.forEach((r, i) => {
    const text = line(rows[i]!);
    out.push(r.percent >= 100 ? text : c.yellow(text));
  });
  for (const r of report) {
    if (r.missedGrants.length === 0 && r.missedEntries.length === 0) continue;
    const m = r.model;
    out.push('');
    const parts: string[] = [];
    if (r.missedGrants.length > 0)
      parts.push(`${r.missedGrants.length} grant${r.missedGrants.length === 1 ? '' : 's'}`);
    if (r.missedEntries.length > 0)
      parts.push(`${r.missedEntries.length} collection entr${r.missedEntries.length === 1 ? 'y' : 'ies'}`);
    out.push(`  ${c.bold(r.set)}: ${parts.join(' and ')} not exercised by any scenario:`);
    let shown = 0;
    const byRole = new Map<string, string[]>();
    for (const g of r.missedGrants) {
      const p = m.permissionIndex.get(g.permission);
      const text = p?.scoped ? `${g.permission} at ${m.scopes[g.level]?.name}` : g.permission;
      byRole.set(g.role, [...(byRole.get(g.role) ?? []), text]);
    }
    for (const e of r.missedEntries) byRole.set(e.role, [...(byRole.get(e.role) ?? []), `${e.collection} ${e.path}`]);
    for (const [role, items] of byRole) {
      if (shown >= limit) break;
      const room = items.slice(0, limit - shown);
      shown += room.length;
      out.push(...wrap(`${role}: `, room, width));
    }
    const missed = r.missedGrants.length + r.missedEntries.length;
    if (missed > shown) out.push(c.dim(`    … and ${missed - shown} more`));
  }
  return out.join('\n');
}

/** `label` and the items, comma-separated, wrapped at `width` with continuation lines indented under the first item. */
function wrap(label: string, items: readonly string[], width: number): string[] {
  const indent = ' '.repeat(4);
  const lines: string[] = [];
  let line = `${indent}${label}`;
  const hang = ' '.repeat(indent.length + label.length);
  items.forEach((item, i) => {
    const text = i < items.length - 1 ? `${item},` : item;
    if (line.trim() !== label.trim() && line.length + 1 + text.length > width) {
      lines.push(line);
      line = `${hang}${text}`;
    } else line = line.endsWith(' ') ? `${line}${text}` : `${line} ${text}`;
  });
  lines.push(line);
  return lines;
}

/** The coverage report as JSON for CI systems: per set, what was and was not exercised. */
export function coverageJson(report: readonly SetCoverage[]): string {
  const sets = report.map((r) => {
    const m = r.model;
    const level = (g: GrantItem) =>
      m.permissionIndex.get(g.permission)?.scoped ? (m.scopes[g.level]?.name ?? null) : null;
    return {
      set: r.set,
      version: m.version,
      percent: Math.round(r.percent * 100) / 100,
      grants: {
        total: r.grants,
        covered: r.grants - r.missedGrants.length,
        missed: r.missedGrants.map((g) => ({ role: g.role, permission: g.permission, level: level(g) })),
      },
      entries: {
        total: r.entries,
        covered: r.entries - r.missedEntries.length,
        missed: r.missedEntries.map((e) => ({ role: e.role, collection: e.collection, path: e.path })),
      },
    };
  });
  return `${JSON.stringify({ tool: 'policyc', kind: 'policy-coverage', sets }, null, 2)}\n`;
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * The coverage report in Cobertura XML, the format CI systems draw coverage from: a package per
 * set, a class per role (its YAML file), and a line per grant the role declares, hit when a
 * scenario exercised an item that grant gives the role (a collection rule's line counts for the
 * role's entries). Lines are the policy's lines: a reviewer sees which grants no scenario proves.
 */
export function coverageCobertura(
  report: readonly SetCoverage[],
  recorder: CoverageRecorder,
  keys: ReadonlyMap<SetCoverage, string>,
  root: string,
): string {
  let allValid = 0;
  let allCovered = 0;
  const packages: string[] = [];
  for (const r of report) {
    const m = r.model;
    const key = keys.get(r) ?? '';
    const classes: string[] = [];
    let setValid = 0;
    let setCovered = 0;
    for (const role of m.roles) {
      const lines = new Map<number, number>();
      for (const g of role.grants) {
        const gives = m.permissions.filter((p) => grantGives(m, g.target, p));
        const hit = gives.some((p) => {
          const level = role.effective.get(p.id);
          return level !== undefined && recorder.hasGrant(key, role.name, p.id, level);
        });
        lines.set(g.span.line, Math.max(lines.get(g.span.line) ?? 0, hit ? 1 : 0));
      }
      for (const [collection, rule] of role.collectionRules) {
        const access = role.collections.get(collection);
        const hit = [...(access?.allowed ?? [])].some((path) => recorder.hasEntry(key, role.name, collection, path));
        lines.set(rule.span.line, Math.max(lines.get(rule.span.line) ?? 0, hit ? 1 : 0));
      }
      if (lines.size === 0) continue;
      const sorted = [...lines].sort((a, b) => a[0] - b[0]);
      const covered = sorted.filter(([, h]) => h > 0).length;
      setValid += sorted.length;
      setCovered += covered;
      const file = relativeTo(root, role.span.file);
      classes.push(
        `        <class name="${xml(role.name)}" filename="${xml(file)}" line-rate="${(covered / sorted.length).toFixed(4)}" branch-rate="0" complexity="0">\n` +
          '          <methods/>\n          <lines>\n' +
          sorted
            .map(([line, hits]) => `            <line number="${line}" hits="${hits}" branch="false"/>`)
            .join('\n') +
          '\n          </lines>\n        </class>',
      );
    }
    allValid += setValid;
    allCovered += setCovered;
    packages.push(
      `    <package name="${xml(r.set)}" line-rate="${setValid === 0 ? '1.0000' : (setCovered / setValid).toFixed(4)}" branch-rate="0" complexity="0">\n      <classes>\n${classes.join('\n')}\n      </classes>\n    </package>`,
    );
  }
  const rate = allValid === 0 ? '1.0000' : (allCovered / allValid).toFixed(4);
  return (
    '<?xml version="1.0" ?>\n<!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">\n' +
    `<coverage line-rate="${rate}" branch-rate="0" lines-covered="${allCovered}" lines-valid="${allValid}" branches-covered="0" branches-valid="0" complexity="0" version="policyc" timestamp="0">\n` +
    `  <sources>\n    <source>${xml(root)}</source>\n  </sources>\n  <packages>\n${packages.join('\n')}\n  </packages>\n</coverage>\n`
  );
}

/** Whether a declared grant gives `p`: by its id, by a wildcard, or by an implication of the permission it names. */
function grantGives(m: Model, target: GrantTarget, p: { id: string; resource: string; action: string }): boolean {
  if (target.kind === 'all') return true;
  if (target.kind === 'resource') return p.resource === target.resource;
  if (p.id === target.permission) return true;
  const named = m.permissionIndex.get(target.permission);
  return (
    named !== undefined &&
    named.resource === p.resource &&
    (m.actions.find((a) => a.name === named.action)?.closure.includes(p.action) ?? false)
  );
}

function relativeTo(root: string, file: string): string {
  return file.startsWith(`${root}/`) ? file.slice(root.length + 1) : file;
}
