import semver from 'semver';

/** How much a change moves a set's version. */
export type Bump = 'none' | 'patch' | 'minor' | 'major';

export const BUMP_RANK: Record<Bump, number> = { none: 0, patch: 1, minor: 2, major: 3 };

/** The version check of one set: the bump its changes call for against the bump its version declares. */
export interface VersionCheck {
  readonly from: string;
  readonly to: string;
  /** What the declared versions say; `downgrade` when the version went down, `invalid` when either is not semver. */
  readonly declared: Bump | 'downgrade' | 'invalid';
  readonly required: Bump;
  /** The first reason for the required bump (a removal for major, an addition for minor). */
  readonly reason: string | null;
  readonly ok: boolean;
  /** The version to declare when the check fails. */
  readonly suggested: string | null;
}

export function declaredBump(from: string, to: string): Bump | 'downgrade' | 'invalid' {
  if (!semver.valid(from) || !semver.valid(to)) return 'invalid';
  const c = semver.compare(to, from);
  if (c === 0) return 'none';
  if (c < 0) return 'downgrade';
  if (semver.major(to) !== semver.major(from)) return 'major';
  if (semver.minor(to) !== semver.minor(from)) return 'minor';
  return 'patch';
}

/**
 * Whether the declared versions cover the change. Semver's rule for 0.x applies: before 1.0.0
 * a minor bump may carry a breaking change.
 */
export function checkVersion(from: string, to: string, required: Bump, reason: string | null): VersionCheck {
  const declared = declaredBump(from, to);
  let ok: boolean;
  if (declared === 'invalid' || declared === 'downgrade') ok = false;
  else {
    const effective = required === 'major' && semver.major(from) === 0 ? 'minor' : required;
    ok = BUMP_RANK[declared] >= BUMP_RANK[effective];
  }
  let suggested: string | null = null;
  if (!ok && semver.valid(from) && required !== 'none') {
    const step = required === 'major' && semver.major(from) === 0 ? 'minor' : required;
    suggested = semver.inc(from, step);
  }
  return { from, to, declared, required, reason, ok, suggested };
}
