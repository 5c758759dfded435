import type { Command } from 'commander';
import { ACTOR_ROLES, type ActorRole, cliActor } from '../../common/actor.js';
import { UsageError } from '../../common/errors.js';
import { formatTable } from '../format/table.js';
import { type CliIo, writeLine } from '../io.js';
import { withContext } from './context.js';

const HELP = `
API keys for the HTTP API, WebSocket and MCP endpoints of sleuth serve ("Authorization: Bearer <key>"). Only a hash
is stored: the key is printed once, at creation. A revoked key is refused with 401 at once.
Roles: member (the default) sees and acts only on the investigations and sessions it started and reads the
knowledge base; admin (--role admin) sees every investigation and may change the knowledge base (add or remove
verified queries, confirm or reject proposals).
With the embedded memory store (no DATABASE_URL) only one process can open it: stop sleuth serve to manage keys, or
use a PostgreSQL memory store, or static tokens (SLEUTH_API_TOKENS=name:token,...).

Examples:
  sleuth api-key create dashboard
  sleuth api-key create kb-curator --role admin
  sleuth api-key list
  sleuth api-key revoke key_3f9c0a1b2c3d4e5f`;

export function registerApiKeyCommands(program: Command, io: CliIo): void {
  const keys = program.command('api-key').description('Create, list and revoke API keys').addHelpText('after', HELP);

  keys
    .command('create')
    .description('Create a key and print it once')
    .argument('<name>', 'what the key is for (shown in logs and the audit log)')
    .option(
      '--role <role>',
      'member (its own investigations; reads knowledge) or admin (all; changes knowledge)',
      'member',
    )
    .option('--format <format>', 'text|json', 'text')
    .action(async (name: string, options: { format: string; role: string }) => {
      const { API_KEY_NAME, createApiKey } = await import('../../api/index.js');
      if (!API_KEY_NAME.test(name))
        throw new UsageError('The key name must be 1-63 letters, digits, spaces, ".", "_" or "-".');
      if (!ACTOR_ROLES.includes(options.role as ActorRole))
        throw new UsageError(`--role must be ${ACTOR_ROLES.join(' or ')}, not ${options.role.slice(0, 40)}.`);
      const role = options.role as ActorRole;
      await withContext(io, async (context) => {
        const memory = await context.memory();
        const { record, key } = await createApiKey(memory.apiKeys, { name, role, createdBy: cliActor(io.env).id });
        if (options.format === 'json') {
          writeLine(io.stdout, JSON.stringify({ id: record.id, name: record.name, role: record.role, key }));
          return;
        }
        writeLine(io.stdout, key);
        writeLine(
          io.stderr,
          `Created API key ${record.id} (${record.name}) with role ${record.role}. The key above is shown only now: store it in a secret manager.`,
        );
      });
    });

  keys
    .command('list')
    .description('List keys (id, name, role, created, last used, revoked); never the keys themselves')
    .option('--format <format>', 'text|json', 'text')
    .action(async (options: { format: string }) => {
      await withContext(io, async (context) => {
        const rows = await (await context.memory()).apiKeys.list();
        if (options.format === 'json') return writeLine(io.stdout, JSON.stringify(rows));
        if (rows.length === 0) return writeLine(io.stdout, 'No API keys. Create one: sleuth api-key create <name>');
        const iso = (d: Date | null) => (d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-');
        writeLine(
          io.stdout,
          formatTable(
            ['id', 'name', 'role', 'created', 'last used', 'revoked'],
            rows.map((r) => [r.id, r.name, r.role, iso(r.createdAt), iso(r.lastUsedAt), iso(r.revokedAt)]),
          ),
        );
      });
    });

  keys
    .command('revoke')
    .description('Revoke a key: requests with it are refused from now on')
    .argument('<id>', 'key id (from sleuth api-key list)')
    .action(async (id: string) => {
      await withContext(io, async (context) => {
        const record = await (await context.memory()).apiKeys.revoke(id, new Date());
        if (!record) throw new UsageError(`No API key ${id}. See sleuth api-key list.`);
        writeLine(io.stdout, `Revoked ${record.id} (${record.name}).`);
      });
    });
}
