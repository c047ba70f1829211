import { whoCanUse } from '../../review/explain-entry.js';
import { whoCanEntryJson, whoCanEntryText, whoCanJson, whoCanText } from '../../review/render/explanation.js';
import { whoCan } from '../../review/grant-routes.js';
import { UsageError } from '../../review/sides.js';
import { findAskedLevel, findEntryAnywhere, findPermissionAnywhere } from '../../review/typed-names.js';
import { type ReviewOptions, withSets } from '../workspace.js';
import { type RegisterCommand, queryOptions } from '../command.js';
import { EXIT, type Io, useColor } from '../io.js';

/** `policyc who-can PERMISSION|COLLECTION:ENTRY [--scope S]`: the roles and users holding a permission, or allowed to use an entry. */
async function runWhoCan(
  io: Io,
  permissionName: string,
  scope: string | undefined,
  options: ReviewOptions,
): Promise<number> {
  return withSets(io, options, (sets) => {
    const color = useColor(io, 'stdout', options.color);
    let found;
    try {
      found = findPermissionAnywhere(sets, permissionName);
    } catch (error) {
      const hit =
        error instanceof UsageError && error.code === 'PC904' ? findEntryAnywhere(sets, permissionName) : undefined;
      if (!hit) throw error;
      if (scope !== undefined)
        throw new UsageError(
          'PC901',
          `--scope does not apply to collection entries (${hit.entry.collection.name}:${hit.entry.path})`,
          'leave out --scope',
        );
      const holders = whoCanUse(hit.set.model, hit.entry);
      if (options.format === 'json')
        io.stdout.write(`${JSON.stringify(whoCanEntryJson(hit.set.model, hit.entry, holders), null, 2)}\n`);
      else io.stdout.write(whoCanEntryText(hit.set.model, hit.entry, holders, color));
      return EXIT.ok;
    }
    const { set, permission } = found;
    const asked = findAskedLevel(set.model, scope);
    const holders = whoCan(set.model, permission, asked);
    if (options.format === 'json')
      io.stdout.write(`${JSON.stringify(whoCanJson(set.model, permission, asked, holders), null, 2)}\n`);
    else io.stdout.write(whoCanText(set.model, permission, asked, holders, color));
    return EXIT.ok;
  });
}

export const registerWhoCan: RegisterCommand = (program, { io, run }) => {
  queryOptions(
    program
      .command('who-can')
      .description(
        'list the roles and users that hold a permission (at a scope or wider), or may use a collection entry',
      )
      .argument(
        '<permission>',
        'a permission (id such as records:update, or title), or a collection entry (connectors:salesforce/actions/delete-record)',
      )
      .option(
        '--scope <scope>',
        'only holders at this level or wider, or `any` for holders at any level; default: the widest level, as can() in the generated code',
      ),
    'the policy set, when the permission exists in several',
  ).action(
    run(
      async (
        permission: string,
        opts: { scope?: string; set?: string; path: string; format: 'text' | 'json'; color?: boolean },
      ) =>
        runWhoCan(io, permission, opts.scope, {
          path: opts.path,
          set: opts.set,
          format: opts.format,
          color: opts.color,
        }),
    ),
  );
};
