import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { cliActor } from '../../common/actor.js';
import { isSleuthError, UsageError } from '../../common/errors.js';
import { formatTable } from '../format/table.js';
import { type CliIo, writeLine } from '../io.js';
import { withContext } from './context.js';

const HELP = `
Knowledge lives in files under knowledge/ (SLEUTH_KNOWLEDGE_DIR), reviewed in pull requests:
  knowledge/verified/<name>.yaml   verified queries (phrasings, typed parameters, SQL)
  knowledge/glossary.yaml          business terms and metric definitions
  knowledge/docs/*.md              table and column notes

Examples:
  sleuth kb sync                          reload, re-check every verified query (guard + EXPLAIN), re-index
  sleuth kb list                          owner, last verified date and staleness of each verified query
  sleuth kb search "signups by channel"   what the FAQ tier and the agent would find
  sleuth kb add ./new-query.yaml          validate, check and copy a verified query into knowledge/verified/
  sleuth kb remove signups_by_channel
  sleuth kb export > knowledge.json
  sleuth kb proposals                     verified queries proposed from "helpful" feedback
  sleuth kb confirm <id> --name weekly_signups --owner growth`;

export function registerKbCommands(program: Command, io: CliIo): void {
  const kb = program
    .command('kb')
    .description('Manage the knowledge base (verified queries, glossary, docs)')
    .addHelpText('after', HELP);

  kb.command('sync')
    .description('Reload knowledge files, re-check verified queries against the live schema, re-index')
    .option('--format <format>', 'text|json', 'text')
    .action(async (options: { format: string }) => {
      await withContext(io, async (context) => {
        const report = await (await context.knowledge()).sync();
        if (options.format === 'json') return writeLine(io.stdout, JSON.stringify(report));
        writeLine(
          io.stdout,
          `Synced ${report.verifiedQueries} verified queries, ${report.glossaryTerms} glossary terms, ${report.docChunks} doc sections, ${report.schemaItems} tables in ${report.elapsedMs} ms.`,
        );
        writeLine(
          io.stdout,
          report.vectors === 'off'
            ? 'Vectors: off (lexical retrieval only; set SLEUTH_EMBEDDINGS_DIR for embeddings).'
            : `Vectors: ${report.vectors.points} points in ${report.vectors.index} with ${report.vectors.embedder}.`,
        );
        for (const s of report.stale) writeLine(io.stdout, `STALE ${s.name}: ${s.reason}`);
        if (report.stale.length > 0) {
          writeLine(
            io.stdout,
            `${report.stale.length} stale verified queries are not served by the FAQ tier until fixed.`,
          );
        }
      });
    });

  kb.command('list')
    .description('List verified queries with owner, last verified date and staleness')
    .option('--format <format>', 'text|json', 'text')
    .action(async (options: { format: string }) => {
      await withContext(io, async (context) => {
        const rows = await (await context.knowledge()).list();
        if (options.format === 'json') return writeLine(io.stdout, JSON.stringify(rows));
        if (rows.length === 0) {
          writeLine(
            io.stdout,
            `No verified queries in ${context.config.knowledge.dir}/verified. See sleuth kb --help.`,
          );
          return;
        }
        writeLine(
          io.stdout,
          formatTable(
            ['name', 'connection', 'owner', 'verified', 'status', 'description'],
            rows.map((r) => [
              r.name,
              r.connection,
              r.owner,
              r.verifiedOn,
              r.stale ? `STALE: ${r.staleReason}` : 'ok',
              r.description,
            ]),
            { maxCellWidth: 60 },
          ),
        );
      });
    });

  kb.command('search')
    .description('Search verified queries, docs and tables as the FAQ tier and the agent do')
    .argument('<text>', 'a question or keywords')
    .option('--db <connection>', 'connection name (default: the default connection)')
    .option('--limit <n>', 'hits per kind', '5')
    .option('--format <format>', 'text|json', 'text')
    .action(async (text: string, options: { db?: string; limit: string; format: string }) => {
      const limit = Number.parseInt(options.limit, 10);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new UsageError('--limit must be 1..100.');
      await withContext(io, async (context) => {
        const base = await context.knowledge();
        const hits = await base.search(text, { connection: options.db, limit });
        if (options.format === 'json') return writeLine(io.stdout, JSON.stringify(hits));
        const faq = await base.answerFaq({ question: text, connection: options.db, actor: cliActor(io.env) });
        writeLine(
          io.stdout,
          faq.kind === 'answered'
            ? `FAQ tier: answers with verified query ${faq.verifiedQuery.name} (confidence ${faq.confidence}).`
            : faq.kind === 'ask_back'
              ? `FAQ tier: matches ${faq.verifiedQuery.name} but asks back: ${faq.prompt}`
              : `FAQ tier: no confident match (best ${faq.confidence}); the question would go to the agent.`,
        );
        if (hits.length === 0) return writeLine(io.stdout, 'Nothing matched.');
        writeLine(
          io.stdout,
          formatTable(
            ['kind', 'score', 'title', 'text'],
            hits.map((h) => [h.kind, h.score.toFixed(3), h.title, h.text.replace(/\s+/g, ' ')]),
            { maxCellWidth: 70 },
          ),
        );
      });
    });

  kb.command('add')
    .description('Validate a verified query file, check it against the live schema and add it to knowledge/verified/')
    .argument('<file>', 'a YAML file in the verified query format')
    .action(async (file: string) => {
      const raw = await readFile(file, 'utf8').catch(() => {
        throw new UsageError(`Cannot read ${file}.`);
      });
      const { installVerifiedQuery, verifiedQueryFileSchema } = await import('../../knowledge/index.js');
      const { parse: parseYaml } = await import('yaml');
      const parsed = verifiedQueryFileSchema.safeParse(parseYaml(raw));
      if (!parsed.success) {
        throw new UsageError(
          `${file} is not a valid verified query:\n  ${parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('\n  ')}`,
        );
      }
      await withContext(io, async (context) => {
        const base = await context.knowledge();
        const { file: target } = await asUsage(
          installVerifiedQuery(base, {
            dir: context.config.knowledge.dir,
            name: parsed.data.name,
            write: (to) => copyFile(file, to),
            replace: true,
          }),
        );
        writeLine(io.stdout, `Added ${parsed.data.name} as ${target}; commit it so it is reviewed.`);
      });
    });

  kb.command('remove')
    .description('Remove a verified query file by name')
    .argument('<name>', 'verified query name')
    .action(async (name: string) => {
      await withContext(io, async (context) => {
        const base = await context.knowledge();
        const { file } = await asUsage(
          (await import('../../knowledge/index.js')).removeVerifiedQuery(base, {
            dir: context.config.knowledge.dir,
            name,
          }),
          ' See sleuth kb list.',
        );
        writeLine(io.stdout, `Removed ${name} (${basename(file)}).`);
      });
    });

  kb.command('export')
    .description('Print every verified query, glossary term and doc section as JSON or YAML')
    .option('--format <format>', 'json|yaml', 'json')
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (options: { format: string; out?: string }) => {
      await withContext(io, async (context) => {
        const base = await context.knowledge();
        const files = await base.files();
        const status = new Map((await base.list()).map((r) => [r.name, r]));
        const data = {
          verifiedQueries: files.verifiedQueries.map((q) => ({ ...q, stale: status.get(q.name)?.stale ?? false })),
          glossary: files.glossary,
          docs: files.docs,
        };
        const text = options.format === 'yaml' ? (await import('yaml')).stringify(data) : JSON.stringify(data, null, 2);
        if (options.out) {
          await writeFile(options.out, text, 'utf8');
          writeLine(io.stdout, `Wrote ${options.out}.`);
        } else writeLine(io.stdout, text);
      });
    });

  kb.command('proposals')
    .description('List verified queries proposed from "helpful" feedback')
    .option('--format <format>', 'text|json', 'text')
    .action(async (options: { format: string }) => {
      await withContext(io, async (context) => {
        const rows = await (await context.knowledge()).listProposals();
        if (options.format === 'json') return writeLine(io.stdout, JSON.stringify(rows));
        if (rows.length === 0) return writeLine(io.stdout, 'No proposals.');
        writeLine(
          io.stdout,
          formatTable(
            ['id', 'status', 'connection', 'question', 'sql'],
            rows.map((r) => [r.id, r.status, r.connection, r.question, r.sql.replace(/\s+/g, ' ')]),
            { maxCellWidth: 60 },
          ),
        );
      });
    });

  kb.command('confirm')
    .description('Confirm a proposal: write it as a verified query file under knowledge/verified/')
    .argument('<id>', 'proposal id (from sleuth kb proposals)')
    .requiredOption('--name <name>', 'verified query name (lower case, digits, _)')
    .requiredOption('--owner <owner>', 'owner team or person')
    .option('--description <text>', 'one sentence: what it returns')
    .action(async (id: string, options: { name: string; owner: string; description?: string }) => {
      await withContext(io, async (context) => {
        const file = await (await context.knowledge()).confirmProposal(id, { ...options, decidedBy: 'cli' });
        writeLine(io.stdout, `Confirmed: wrote ${file}. Commit it so it is reviewed.`);
      });
    });

  kb.command('reject')
    .description('Reject a proposal')
    .argument('<id>', 'proposal id')
    .action(async (id: string) => {
      await withContext(io, async (context) => {
        await (await context.knowledge()).rejectProposal(id, 'cli');
        writeLine(io.stdout, `Rejected ${id}.`);
      });
    });
}

/** Knowledge changes refused for the user's input exit with the usage status, as other bad input does. */
async function asUsage<T>(work: Promise<T>, suffix = ''): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (isSleuthError(error) && error.fault === 'user') throw new UsageError(`${error.message}${suffix}`);
    throw error;
  }
}
