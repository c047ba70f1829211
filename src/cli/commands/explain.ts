import { explain } from '../../review/explain.js';
import { explanationJson, explanationText } from '../../review/explain-render.js';
import { findPermission, findScope, findSubject } from '../../review/lookup.js';
import { type ReviewOptions, withSets } from '../../review/workspace.js';
import { type RegisterCommand, queryOptions } from '../command.js';
import { EXIT, type Io, useColor } from '../io.js';

/** `policyc explain ROLE|USER PERMISSION [--scope S]`: allowed or not, and why. Exit 0 either way (the answer is the output). */
export async function runExplain(io: Io, subjectName: string, permissionName: string, scope: string | undefined, options: ReviewOptions): Promise<number> {
  return withSets(io, options, (sets) => {
    const { set, subject } = findSubject(sets, subjectName);
    const permission = findPermission(set, permissionName);
    const asked = scope === undefined ? undefined : findScope(set.model, scope);
    const e = explain(set.model, subject, permission, asked);
    if (options.format === 'json') io.stdout.write(`${JSON.stringify(explanationJson(e), null, 2)}\n`);
    else io.stdout.write(explanationText(e, useColor(io, 'stdout', options.color)));
    return EXIT.ok;
  });
}

export const registerExplain: RegisterCommand = (program, { io, run }) => {
  queryOptions(
    program
      .command('explain')
      .description('say whether a role or user has a permission, and why: the grant, the inheritance path, the implication, the wildcard')
      .argument('<subject>', 'a role or a user (id or title)')
      .argument('<permission>', 'a permission (id such as records:update, or title)')
      .option('--scope <scope>', 'the level asked (own, group, all …); default: any level'),
  ).action(
    run(async (subject: string, permission: string, opts: { scope?: string; set?: string; path: string; format: 'text' | 'json'; color?: boolean }) =>
      runExplain(io, subject, permission, opts.scope, { path: opts.path, set: opts.set, format: opts.format, color: opts.color }),
    ),
  );
};
