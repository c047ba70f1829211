import { renderHuman } from '../../diagnostics/render.js';
import { explainEntry } from '../../review/explain-entry.js';
import {
  entryExplanationJson,
  entryExplanationText,
  explanationJson,
  explanationText,
} from '../../review/render/explanation.js';
import { readStoredDefinitions, withStoredRoles } from '../../review/stored-roles.js';
import { explain } from '../../review/grant-routes.js';
import { UsageError } from '../../review/sides.js';
import { findAskedLevel, findEntry, findPermission, findSubject } from '../../review/typed-names.js';
import { type ReviewOptions, withSets } from '../workspace.js';
import { type RegisterCommand, queryOptions } from '../command.js';
import { EXIT, type Io, println, useColor } from '../io.js';

/**
 * `policyc explain ROLE|USER PERMISSION|COLLECTION:ENTRY [--scope S]`: allowed or not, and why.
 * Like `kubectl auth can-i`, the exit code is the answer: 0 yes, 1 no; 2 for usage errors (a
 * name that does not exist).
 */
async function runExplain(
  io: Io,
  subjectName: string,
  permissionName: string,
  scope: string | undefined,
  options: ReviewOptions & { readonly customRoles?: string | undefined },
): Promise<number> {
  return withSets(io, options, (found) => {
    // Stored run-time roles (--custom-roles) become roles of their set, explained like compiled ones.
    const stored = options.customRoles === undefined ? undefined : readStoredDefinitions(io.cwd, options.customRoles);
    const errColors = useColor(io, 'stderr', options.color);
    const sets = stored
      ? withStoredRoles(found, stored, (d) => println(io.stderr, renderHuman(d, stored.files, errColors)))
      : found;
    if (!sets) return EXIT.policy;
    const { set, subject } = findSubject(sets, subjectName);
    const color = useColor(io, 'stdout', options.color);
    let permission;
    try {
      permission = findPermission(set, permissionName);
    } catch (error) {
      // Not a permission: a collection entry (`connectors:slack`), when the set has such a collection.
      const entry = error instanceof UsageError ? findEntry(set, permissionName) : undefined;
      if (!entry) throw error;
      if (scope !== undefined)
        throw new UsageError(
          'PC901',
          `--scope does not apply to collection entries (${entry.collection.name}:${entry.path})`,
          'leave out --scope',
        );
      const x = explainEntry(set.model, subject, entry);
      if (options.format === 'json') io.stdout.write(`${JSON.stringify(entryExplanationJson(x), null, 2)}\n`);
      else io.stdout.write(entryExplanationText(x, color));
      return x.allowed ? EXIT.ok : EXIT.policy;
    }
    const asked = findAskedLevel(set.model, scope);
    const e = explain(set.model, subject, permission, asked);
    if (options.format === 'json') io.stdout.write(`${JSON.stringify(explanationJson(e), null, 2)}\n`);
    else io.stdout.write(explanationText(e, color));
    return e.allowed ? EXIT.ok : EXIT.policy;
  });
}

export const registerExplain: RegisterCommand = (program, { io, run }) => {
  queryOptions(
    program
      .command('explain')
      .description(
        'say whether a role or user has a permission or may use a collection entry, and why; exit 0 yes, 1 no (like kubectl auth can-i)',
      )
      .argument('<subject>', 'a role or a user (id or title)')
      .argument(
        '<permission>',
        'a permission (id such as records:update, or title), or a collection entry (connectors:slack)',
      )
      .option(
        '--scope <scope>',
        'the level asked (own, group, all …), or `any` for any level; default: the widest level, as can() in the generated code',
      )
      .option('--custom-roles <path>', 'a JSON file or folder of stored run-time role definitions, explained as roles'),
  ).action(
    run(
      async (
        subject: string,
        permission: string,
        opts: {
          scope?: string;
          set?: string;
          path: string;
          format: 'text' | 'json';
          color?: boolean;
          customRoles?: string;
        },
      ) =>
        runExplain(io, subject, permission, opts.scope, {
          path: opts.path,
          set: opts.set,
          format: opts.format,
          color: opts.color,
          customRoles: opts.customRoles,
        }),
    ),
  );
};
