/** manifest.yml declares what the app listens to and calls: events, commands, interactivity, scopes, App Home. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SLACK_EVENTS_PATH } from '../../../src/slack/index.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
// biome-ignore lint/suspicious/noExplicitAny: the manifest is loose YAML
const manifest: any = parse(readFileSync(join(ROOT, 'manifest.yml'), 'utf8'));
const source = (path: string) => readFileSync(join(ROOT, 'src', 'slack', path), 'utf8');

describe('manifest.yml', () => {
  it('subscribes to every event the app handles, at /slack/events', () => {
    const events = source('listeners/events.ts');
    const handled = [...events.matchAll(/app\.event\('([a-z_]+)'/g)].map((m) => m[1]);
    expect(handled.sort()).toEqual(['app_home_opened', 'app_mention', 'assistant_thread_started']);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(
      expect.arrayContaining([...handled, 'message.im']),
    );
    expect(manifest.settings.event_subscriptions.request_url).toMatch(new RegExp(`${SLACK_EVENTS_PATH}$`));
    expect(manifest.settings.interactivity).toMatchObject({ is_enabled: true });
    expect(manifest.settings.interactivity.request_url).toMatch(new RegExp(`${SLACK_EVENTS_PATH}$`));
  });

  it('declares both slash commands the app registers', () => {
    const registered = [...source('listeners/commands.ts').matchAll(/app\.command\('([^']+)'/g)].map((m) => m[1]);
    expect(manifest.features.slash_commands.map((c: { command: string }) => c.command).sort()).toEqual(
      registered.sort(),
    );
    for (const command of manifest.features.slash_commands)
      expect(command.url).toMatch(new RegExp(`${SLACK_EVENTS_PATH}$`));
  });

  it('asks for the scopes the Web API calls need, and no admin or read-everything scopes', () => {
    const scopes: string[] = manifest.oauth_config.scopes.bot;
    expect(scopes).toEqual(
      expect.arrayContaining([
        'app_mentions:read',
        'assistant:write',
        'chat:write',
        'commands',
        'files:write',
        'im:history',
      ]),
    );
    expect(
      scopes.filter((s) => /^(admin|users:read\.email|channels:read|groups:read|mpim|files:read)/.test(s)),
    ).toEqual([]);
    // channel history only for follow-ups in Sleuth's own threads, with its events and a listener that checks the thread
    expect(scopes).toEqual(expect.arrayContaining(['channels:history', 'groups:history']));
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(
      expect.arrayContaining(['message.channels', 'message.groups']),
    );
    expect(source('listeners/events.ts')).toMatch(/ownsThread\(/);
    // no scope without a caller: nothing opens or lists DMs (im:read, im:write)
    expect(scopes).not.toContain('im:read');
    expect(scopes).not.toContain('im:write');
    const slackSource = ['runner.ts', 'live/message.ts', 'attachments.ts', 'groups.ts', 'listeners/events.ts']
      .map(source)
      .join('\n');
    expect(slackSource).not.toMatch(/conversations\.(open|list|info)/);
  });

  it('enables App Home, the assistant view and a bot user', () => {
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.features.assistant_view.suggested_prompts.length).toBeGreaterThan(0);
    expect(manifest.features.bot_user.display_name).toBe('Sleuth');
    expect(manifest.display_information.long_description.length).toBeGreaterThanOrEqual(175);
    expect(manifest._metadata.major_version).toBe(2);
  });
});
