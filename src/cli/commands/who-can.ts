import { whoCan } from '../../review/explain.js';
import { whoCanJson, whoCanText } from '../../review/explain-render.js';
import { findPermissionAnywhere, findScope } from '../../review/lookup.js';
import { type ReviewOptions, withSets } from '../../review/workspace.js';
import { type RegisterCommand, queryOptions } from '../command.js';
import { EXIT, type Io, useColor } from '../io.js';

/** `policyc who-can PERMISSION [--scope S]`: the roles and users holding a permission. */
export async function runWhoCan(io: Io, permissionName: string, scope: string | undefined, options: ReviewOptions): Promise<number> {
  return withSets(io, options, (sets) => {
    const { set, permission } = findPermissionAnywhere(sets, permissionName);
    const asked = scope === undefined ? undefined : findScope(set.model, scope);
    const holders = whoCan(set.model, permission, asked);
    if (options.format === 'json') io.stdout.write(`${JSON.stringify(whoCanJson(set.model, permission, asked, holders), null, 2)}\n`);
    else io.stdout.write(whoCanText(set.model, permission, asked, holders, useColor(io, 'stdout', options.color)));
    return EXIT.ok;
  });
}

export const registerWhoCan: RegisterCommand = (program, { io, run }) => {
  queryOptions(
    program
      .command('who-can')
      .description('list the roles and users that hold a permission (at a scope or wider)')
      .argument('<permission>', 'a permission (id such as records:update, or title)')
      .option('--scope <scope>', 'only holders at this level or wider; default: any level'),
    'the policy set, when the permission exists in several',
  ).action(
    run(async (permission: string, opts: { scope?: string; set?: string; path: string; format: 'text' | 'json'; color?: boolean }) =>
      runWhoCan(io, permission, opts.scope, { path: opts.path, set: opts.set, format: opts.format, color: opts.color }),
    ),
  );
};
