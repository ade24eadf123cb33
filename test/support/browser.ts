import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { projectRoot } from '../../knowledge/index.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.join(projectRoot, 'artifacts', 'screenshots');

/**
 * Debian's chromium, never a downloaded browser. Where it is missing the browser tests skip and
 * say why; in CI (CI=1, set by .ci/run, which installs it) a missing browser is a failure.
 */
export function chromiumAvailable(): boolean {
  const there = existsSync(CHROMIUM);
  if (!there && process.env.CI) throw new Error(`CI needs Chromium at ${CHROMIUM} (apt install chromium)`);
  if (!there) console.warn(`browser tests skipped: no Chromium at ${CHROMIUM}`);
  return there;
}

export function launch(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export const shot = (name: string) => path.join(SCREENSHOTS, `${name}.png`);
