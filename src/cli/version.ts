import { readFileSync } from 'node:fs';

/** policyc's own version, from its package.json (`policyc --version`, the report's footer). */
export const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
