import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { buildAppPackage } from '../../scripts/appPackage/appPackage.js';
import { bundledSchemaPath, InvalidManifestError, schemaProblems } from '../../scripts/appPackage/manifestSchema.js';
import { CommandError, parseCommand } from '../../src/bot/commandParser.js';
import type { CommandKind } from '../../src/bot/commands.js';

const settings = { appId: '11111111-2222-3333-4444-555555555555', host: 'rally.contoso.com' };

interface Bot {
  botId: string;
  scopes: string[];
  supportsCalling: boolean;
  supportsVideo: boolean;
  supportsFiles: boolean;
  isNotificationOnly: boolean;
  commandLists: { scopes: string[]; commands: { title: string; description: string }[] }[];
}

// Typed so that a new command kind fails the typecheck until the manifest's command list is looked at.
// `false`: kept out of the command menu by design (admin-only commands are not offered to everyone; Teams shows at
// most 10, so the rarer ones stay in the help card, `calls` and `status` one press away as its "My calls" and "Status").
const EVERY_COMMAND: Record<CommandKind, boolean> = {
  call: true,
  bridge: true,
  join: true,
  invite: true,
  escalate: false,
  move: false,
  calls: false,
  status: false,
  hangup: true,
  mute: true,
  remove: true,
  page: true,
  team: true,
  // Listed under "team", which names it.
  teams: false,
  help: true,
  doctor: false,
};

describe('Teams app manifest', () => {
  let manifest: Record<string, unknown>;
  let bot: Bot;

  before(async () => {
    ({ manifest } = await buildAppPackage(settings));
    bot = (manifest.bots as Bot[])[0]!;
  });

  it('matches the official schema it names, checked offline', async () => {
    assert.ok(existsSync(bundledSchemaPath(manifest.$schema)), 'the $schema is one @microsoft/app-manifest bundles');
    assert.deepEqual(await schemaProblems(manifest), []);
  });

  it('declares the manifest version its $schema URL names', () => {
    assert.match(String(manifest.$schema), new RegExp(`/teams/v${String(manifest.manifestVersion).replace('.', '\\.')}/`));
  });

  it('is checked by a validator that does find mistakes', async () => {
    const broken = structuredClone(manifest);
    (broken.bots as Record<string, unknown>[])[0]!.supportsCalling = 'yes';
    delete broken.icons;
    const problems = await schemaProblems(broken);
    assert.ok(problems.some((p) => p.startsWith('/bots/0/supportsCalling ')), problems.join('\n'));
    assert.ok(problems.some((p) => p.includes('icons')), problems.join('\n'));
  });

  it('refuses a schema it would have to download', async () => {
    for (const $schema of ['https://developer.microsoft.com/json-schemas/teams/v9.99/MicrosoftTeams.schema.json', 'https://example.com/schema.json']) {
      await assert.rejects(schemaProblems({ ...manifest, $schema }), InvalidManifestError);
    }
  });

  it('fills every id and host from the settings', () => {
    assert.equal(manifest.id, settings.appId);
    assert.equal(bot.botId, settings.appId);
    assert.deepEqual(manifest.webApplicationInfo, { id: settings.appId, resource: `api://botid-${settings.appId}` });
    assert.deepEqual(manifest.validDomains, [settings.host]);
    assert.doesNotMatch(JSON.stringify(manifest), /\$\{\{/);
  });

  it('makes a conversational calling bot for personal chats, group chats and teams', () => {
    assert.deepEqual([...bot.scopes].sort(), ['groupChat', 'personal', 'team']);
    assert.equal(bot.supportsCalling, true);
    assert.equal(bot.supportsVideo, false);
    assert.equal(bot.supportsFiles, false);
    assert.equal(bot.isNotificationOnly, false);
  });

  it('asks for the chat-scoped permissions to join the meetings of chats it is in and to read who organizes them', () => {
    assert.deepEqual(manifest.authorization, {
      permissions: {
        resourceSpecific: [
          { name: 'Calls.JoinGroupCalls.Chat', type: 'Application' },
          { name: 'OnlineMeeting.ReadBasic.Chat', type: 'Application' },
        ],
      },
    });
  });

  it('offers exactly the commands Rally understands, in every scope the bot has', () => {
    const scopesWithCommands = bot.commandLists.flatMap((list) => list.scopes).sort();
    assert.deepEqual(scopesWithCommands, [...bot.scopes].sort());
    for (const list of bot.commandLists) {
      assert.deepEqual(list.commands.map((c) => c.title).sort(), Object.keys(EVERY_COMMAND).filter((kind) => EVERY_COMMAND[kind as CommandKind]).sort());
    }
  });

  it('lists only titles the command parser reads as that command', () => {
    for (const { title } of bot.commandLists.flatMap((list) => list.commands)) {
      try {
        assert.equal(parseCommand(title).kind, title);
      } catch (error) {
        // A bare verb that needs arguments is still that command: the parser asks for what is missing.
        assert.ok(error instanceof CommandError && error.code === 'badCommand', `${title}: ${String(error)}`);
      }
    }
  });

  it('keeps command lists within the limits older manifest versions and clients enforce (10 commands, 32 and 128 characters)', () => {
    for (const list of bot.commandLists) {
      assert.ok(list.commands.length <= 10);
      for (const { title, description } of list.commands) {
        assert.ok(title.length <= 32, title);
        assert.ok(description.length > 0 && description.length <= 128, `${title}: ${description.length} characters`);
      }
    }
  });
});
