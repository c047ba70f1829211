import type { Model } from '../model/model.js';
import type { Escalation } from '../review/diff.js';
import type { Side } from '../review/sides.js';
import { buildReport, type DiffSummary, type SideInfo } from '../review/diff-report.js';
import { reportHeadline, sideLabel } from '../review/render/phrases.js';
import { changeView, setView, type SetView } from './views.js';

/** Everything one report page shows: one or more sets, and in change mode what changed between two versions. */
export interface ReportData {
  readonly mode: 'snapshot' | 'change';
  /** Where the sets were read (a folder), or the two sides compared. */
  readonly source: string;
  readonly change: {
    readonly base: SideInfo;
    readonly head: SideInfo;
    readonly headline: string;
    readonly summary: DiffSummary;
    /** Every escalation of every set, in set order: shown first. */
    readonly escalations: readonly Escalation[];
  } | null;
  readonly sets: readonly SetView[];
}

/** The report of the current sets: `policyc report [PATH]`. */
export function snapshotReport(models: readonly Model[], source: string): ReportData {
  return { mode: 'snapshot', source, change: null, sets: models.map(setView) };
}

/**
 * The report of a change: `policyc report BASE [HEAD]`. Built on the diff report of
 * `policyc diff` (the same loading, matching and escalation rules); sets that do not compile on
 * either side must be rejected by the caller first.
 */
export function changeReport(base: Side, head: Side): ReportData {
  const diff = buildReport(base, head);
  const sets = diff.sets.map((s) => {
    const b = base.sets.find((x) => x.name === s.name)?.model;
    const h = head.sets.find((x) => x.name === s.name)?.model;
    if (!b && !h) throw new Error(`set ${s.name} does not compile on either side`);
    return changeView(s, b, h);
  });
  return {
    mode: 'change',
    source: `${sideLabel(diff.base)} → ${sideLabel(diff.head)}`,
    change: {
      base: diff.base,
      head: diff.head,
      headline: reportHeadline(diff),
      summary: diff.summary,
      escalations: diff.escalations,
    },
    sets,
  };
}
