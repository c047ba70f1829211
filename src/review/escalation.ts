import type { Model } from '../model/model.js';

/*
 * When a gain of access is an escalation: the one statement of the rule, called by `policyc diff`
 * and by anything else that judges a change of access (the Gherkin steps). An escalation is what
 * a reviewer must look at before anything else; a gate fails on it, so the rule must not cry
 * wolf on routine changes.
 */

export type EscalationReason =
  | 'sensitive'
  | 'widest-scope'
  | 'collection-all'
  | 'grants-everything'
  | 'self-restriction-lifted';

/** A permission a subject gains, or holds at a wider level than before. */
export interface PermissionGain {
  /** The permission's id in `model`. */
  readonly permission: string;
  readonly change: 'gained' | 'widened';
  /** The level held after (a scope name); null for an unscoped permission. */
  readonly to: string | null;
}

/** Who gains: whether the subject is (or holds) the set's owner role on both sides. */
export interface GainHolder {
  /**
   * True when the subject held the owner role (spec.ownerRole, the same role) before and after,
   * and held every permission at the widest level before. What it gains then is the set's
   * declared intent ("the owner holds everything"): a new catalog permission or scope level
   * reaching it through `"*"` is reported, but is not an escalation.
   */
  readonly ownerBefore: boolean;
}

/**
 * Why gaining `gain` is an escalation, in `model` (the side after the change); empty when it is
 * routine. Reasons: the permission manages access itself (`sensitive`), or a scoped permission is
 * now held at the widest level (`widest-scope`; an unscoped one only when it was widened, that
 * is: it became unscoped). A holder of the owner role gains nothing new by design.
 */
export function gainReasons(model: Model, gain: PermissionGain, holder: GainHolder): EscalationReason[] {
  if (holder.ownerBefore) return [];
  const permission = model.permissionIndex.get(gain.permission);
  const widest = model.scopes[model.levels - 1]?.name;
  const reasons: EscalationReason[] = [];
  if (permission?.sensitive) reasons.push('sensitive');
  const toWidest = permission?.scoped ? widest !== undefined && gain.to === widest : gain.change === 'widened';
  if (toWidest) reasons.push('widest-scope');
  return reasons;
}
