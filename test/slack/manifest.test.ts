import { readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../knowledge/index.js';

// The manifest is what an admin installs: it must ask for what the code uses, and no more.
const manifest = yaml.load(
  readFileSync(path.join(projectRoot, 'integrations/channels/slack/manifest.yml'), 'utf8'),
) as {
  features: {
    slash_commands: Array<{ command: string; url: string }>;
    app_home: { home_tab_enabled: boolean };
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { request_url: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url: string };
  };
};
const source = ['commands.ts', 'handoff-listeners.ts', 'knowledge-listeners.ts', 'desk.ts', 'deps.ts']
  .map((f) => readFileSync(path.join(projectRoot, 'integrations/channels/slack', f), 'utf8'))
  .join('\n');

describe('the Slack app manifest', () => {
  it('declares every command the app answers, all on /slack/events', () => {
    const commands = [...source.matchAll(/app\.command\('([^']+)'/g)].map((m) => m[1]);
    expect(manifest.features.slash_commands.map((c) => c.command).sort()).toEqual(commands.sort());
    const urls = [
      ...manifest.features.slash_commands.map((c) => c.url),
      manifest.settings.event_subscriptions.request_url,
      manifest.settings.interactivity.request_url,
    ];
    expect(urls.every((u) => u.endsWith('/slack/events'))).toBe(true);
  });

  it('subscribes to the events the app listens for', () => {
    const events = [...source.matchAll(/app\.event\('([^']+)'/g)].map((m) => m[1]);
    for (const e of events) expect(manifest.settings.event_subscriptions.bot_events).toContain(e);
    // thread replies arrive as message events
    expect(manifest.settings.event_subscriptions.bot_events).toContain('message.channels');
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
  });

  it('asks for the scopes of the Web API methods the app calls', () => {
    const methods = new Set([...source.matchAll(/client\.(\w+\.\w+)\(/g)].map((m) => m[1]));
    const scopeOf: Record<string, string> = {
      'chat.postMessage': 'chat:write',
      'chat.postEphemeral': 'chat:write',
      'chat.update': 'chat:write',
      'reactions.add': 'reactions:write',
      'users.info': 'users:read',
      'views.publish': 'chat:write',
    };
    for (const m of methods) {
      expect(scopeOf[m ?? ''], `scope for ${m}`).toBeDefined();
      expect(manifest.oauth_config.scopes.bot).toContain(scopeOf[m ?? '']);
    }
    expect(manifest.oauth_config.scopes.bot).toContain('commands');
  });
});
