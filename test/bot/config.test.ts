import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, configSchema, loadConfig } from '../../app/config.js';
import { ERRORS } from '../../contracts/errors.js';
import { projectRoot } from '../../knowledge/index.js';

const readme = readFileSync(path.join(projectRoot, 'README.md'), 'utf8');

function tableRows(heading: string): string[][] {
  const section = readme.split(/^## /m).find((s) => s.startsWith(heading)) ?? '';
  return section
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) =>
      l
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    );
}

describe('configuration', () => {
  it('README documents every variable, with the default the code uses', () => {
    const rows = tableRows('Configuration');
    const documented = new Map(rows.map((r) => [r[0]?.replace(/`/g, ''), r[1] ?? '']));
    const defaults = loadConfig({});
    for (const key of Object.keys(configSchema.shape)) {
      expect(documented.has(key), `${key} is not in README`).toBe(true);
      const value = (defaults as Record<string, unknown>)[key];
      if (value !== undefined && typeof value !== 'boolean' && !Array.isArray(value)) {
        expect(documented.get(key), key).toContain(`\`${String(value)}\``);
      }
    }
    expect([...documented.keys()].sort()).toEqual(Object.keys(configSchema.shape).sort());
  });

  it('the contract names keep their defaults', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3978);
    expect(c.DATA_DIR).toBe('./data');
    expect(c.LOG_LEVEL).toBe('info');
    expect(c.REDIS_URL).toBeUndefined();
    expect(loadConfig({ REDIS_URL: '  ' }).REDIS_URL).toBeUndefined();
  });

  it('names every invalid variable at once', () => {
    expect(() => loadConfig({ PORT: '99999', MAX_MESSAGE_CHARS: '-1' })).toThrowError(ConfigError);
    try {
      loadConfig({ PORT: '99999', MAX_MESSAGE_CHARS: '-1' });
    } catch (e) {
      expect((e as Error).message).toMatch(/PORT[\s\S]*MAX_MESSAGE_CHARS/);
    }
  });
});

describe('errors', () => {
  it('README lists every error code with its status', () => {
    const rows = tableRows('Try it');
    const documented = new Map(
      rows.filter((r) => /^`[A-Z_]+`$/.test(r[0] ?? '')).map((r) => [r[0]?.replace(/`/g, ''), Number(r[1])]),
    );
    for (const [code, { status }] of Object.entries(ERRORS)) expect(documented.get(code), code).toBe(status);
    expect(documented.size).toBe(Object.keys(ERRORS).length);
  });
});
