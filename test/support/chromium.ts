import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * The system's Chromium for the browser tests (playwright-core drives it and downloads nothing):
 * `POLICYC_CHROMIUM`, else the first of `chromium`, `chromium-browser`, `google-chrome` on PATH.
 * `.ci/run` installs Debian's `chromium` when it is missing, so CI always has one.
 */
export function findChromium(): { path: string } | { missing: string } {
  const fromEnv = process.env.POLICYC_CHROMIUM;
  if (fromEnv)
    return existsSync(fromEnv) ? { path: fromEnv } : { missing: `POLICYC_CHROMIUM=${fromEnv} does not exist` };
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      const found = execFileSync('which', [name], { stdio: ['ignore', 'pipe', 'ignore'] })
        .toString('utf8')
        .trim();
      if (found && existsSync(found)) return { path: found };
    } catch {
      // not on PATH: try the next name
    }
  }
  return {
    missing:
      "no chromium, chromium-browser or google-chrome on PATH (install Debian's `chromium`: apt-get install -y chromium, or set POLICYC_CHROMIUM)",
  };
}

/** Launch flags: Chromium refuses to run as root with its sandbox (containers, CI). */
export function chromiumArgs(): string[] {
  return process.getuid?.() === 0 ? ['--no-sandbox'] : [];
}
