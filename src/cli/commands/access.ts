import { accessOf } from '../../review/grant-routes.js';
import { accessJson, accessText } from '../../review/render/explanation.js';
import { findSubject } from '../../review/typed-names.js';
import { type ReviewOptions, withSets } from '../workspace.js';
import { type RegisterCommand, queryOptions } from '../command.js';
import { EXIT, type Io, useColor } from '../io.js';

/** `policyc access ROLE|USER`: everything a role or user can do, by category, with scopes and collections. */
async function runAccess(io: Io, subjectName: string, options: ReviewOptions): Promise<number> {
  return withSets(io, options, (sets) => {
    const { set, subject } = findSubject(sets, subjectName);
    const report = accessOf(set.model, subject);
    if (options.format === 'json') io.stdout.write(`${JSON.stringify(accessJson(report), null, 2)}\n`);
    else io.stdout.write(accessText(report, useColor(io, 'stdout', options.color)));
    return EXIT.ok;
  });
}

export const registerAccess: RegisterCommand = (program, { io, run }) => {
  queryOptions(
    program
      .command('access')
      .description('list everything a role or user can do, grouped by category, with scopes and collections')
      .argument('<subject>', 'a role or a user (id or title)'),
  ).action(
    run(async (subject: string, opts: { set?: string; path: string; format: 'text' | 'json'; color?: boolean }) =>
      runAccess(io, subject, { path: opts.path, set: opts.set, format: opts.format, color: opts.color }),
    ),
  );
};
