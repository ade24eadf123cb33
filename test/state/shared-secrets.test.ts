import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../app/config.js';
import { projectRoot } from '../../knowledge/index.js';

// A shared deployment (REDIS_URL or DATABASE_URL: several instances may run) refuses to start
// with secrets each instance would make for itself; one instance with nothing set still starts.

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-secrets-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const SECRET = 'a-file-link-secret-of-at-least-32-characters';

function refusal(env: Record<string, string>): string {
  try {
    loadConfig({ DATA_DIR: dataDir, ...env });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('the configuration was accepted');
}

describe('secrets of a deployment with several instances', () => {
  it('REDIS_URL without WIDGET_TOKEN_SECRET or FILE_LINK_SECRET is refused, naming both', () => {
    const message = refusal({ REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(message).toContain('REDIS_URL is set');
    expect(message).toContain('WIDGET_TOKEN_SECRET');
    expect(message).toContain('FILE_LINK_SECRET');
  });

  it('DATABASE_URL alone is refused too, and each missing secret is named on its own', () => {
    expect(refusal({ DATABASE_URL: 'postgres://db/x', WIDGET_TOKEN_SECRET: 'w' })).toMatch(
      /DATABASE_URL is set.*set FILE_LINK_SECRET$/,
    );
    const noWidget = refusal({ DATABASE_URL: 'postgres://db/x', FILE_LINK_SECRET: SECRET });
    expect(noWidget).toContain('WIDGET_TOKEN_SECRET (or WIDGET_TOKEN_PUBLIC_KEY_FILE)');
    expect(noWidget).not.toContain('set FILE_LINK_SECRET');
  });

  it('with both secrets (or the portal’s public key instead of the widget secret) it starts', () => {
    const shared = { REDIS_URL: 'redis://127.0.0.1:6379', DATABASE_URL: 'postgres://db/x' };
    expect(
      loadConfig({ DATA_DIR: dataDir, ...shared, WIDGET_TOKEN_SECRET: 'w', FILE_LINK_SECRET: SECRET })
        .FILE_LINK_SECRET,
    ).toBe(SECRET);
    expect(
      loadConfig({
        DATA_DIR: dataDir,
        ...shared,
        WIDGET_TOKEN_PUBLIC_KEY_FILE: '/etc/portal.pem',
        FILE_LINK_SECRET: SECRET,
      }).WIDGET_TOKEN_SECRET,
    ).toBeUndefined();
  });

  it('a FILE_LINK_SECRET too short to sign with is refused, shared deployment or not', () => {
    expect(refusal({ FILE_LINK_SECRET: 'short' })).toMatch(/FILE_LINK_SECRET: at least 32 characters/);
  });

  it('nothing set: one instance starts with secrets of its own', () => {
    expect(() => loadConfig({ DATA_DIR: dataDir })).not.toThrow();
  });

  it('the server process started with REDIS_URL and no secrets exits, saying which to set', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'app/main.ts'], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH, DATA_DIR: dataDir, REDIS_URL: 'redis://127.0.0.1:6379' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).toBe(1);
    expect(stderr).toContain('WIDGET_TOKEN_SECRET');
    expect(stderr).toContain('FILE_LINK_SECRET');
    expect(stderr).not.toContain('    at '); // a message, not a stack trace
  });
});
