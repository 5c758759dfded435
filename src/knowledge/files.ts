/**
 * Knowledge as code: the shapes of the files under `knowledge/` (reviewed in pull requests) and their loader.
 *
 *   knowledge/verified/<name>.yaml   one verified query per file (phrasings, typed parameters, SQL)
 *   knowledge/glossary.yaml          business terms and metric definitions
 *   knowledge/docs/*.md              table and column notes; chunked by `##` heading
 *   knowledge/sensitive.yaml         columns always masked / never masked as personal data (see sensitive.ts)
 *
 * SQL placeholders are `{{param}}` (enum, number, text), `{{param.start}}` / `{{param.end}}` (date_range: start
 * inclusive, end exclusive, rendered as 'YYYY-MM-DD' literals) and `{{param.contains}}` (text as a '%value%'
 * pattern). Values are rendered as SQL literals by `fill.ts`, never spliced raw, and the filled SQL still goes
 * through the guard and the read-only executor like every other statement.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UserError } from '../common/errors.js';
import type { PiiRules } from '../pii/index.js';
import { parseSensitiveFile, SENSITIVE_FILE } from './sensitive.js';
import { answersSchema, checkAnswers, EMPTY_VOCABULARY, type Vocabulary, vocabularySchema } from './vocabulary.js';

const identifier = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, 'lower case letters, digits and _, starting with a letter');
const columnRef = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$/, 'a column as table.column');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');

const dateRangeParameter = z.strictObject({
  type: z.literal('date_range'),
  description: z.string().optional(),
  /** A period phrase parsed like the question ("last month", "last 30 days"); without it the parameter is required. */
  default: z.string().optional(),
});

const enumParameter = z.strictObject({
  type: z.literal('enum'),
  description: z.string().optional(),
  /** Known values, or `values_from` to read them from a column of the connection (distinct values). */
  values: z.array(z.string().min(1)).optional(),
  values_from: columnRef.optional(),
  /** Extra words that name a value: { paid_search: ["google ads", "sem"] }. */
  aliases: z.record(z.string(), z.array(z.string().min(1))).optional(),
  default: z.string().optional(),
});

const numberParameter = z.strictObject({
  type: z.literal('number'),
  description: z.string().optional(),
  default: z.number().int().optional(),
  min: z.number().int().default(1),
  max: z.number().int().default(1000),
});

const textParameter = z.strictObject({
  type: z.literal('text'),
  description: z.string().optional(),
  /** Taken from a quoted string in the question, or from the text after one of these words ("named", "called"). */
  after: z.array(z.string().min(1)).optional(),
  default: z.string().optional(),
  max_length: z.number().int().min(1).max(200).default(100),
});

export const parameterDefinitionSchema = z.discriminatedUnion('type', [
  dateRangeParameter,
  enumParameter,
  numberParameter,
  textParameter,
]);

export type ParameterDefinition = z.infer<typeof parameterDefinitionSchema>;

/**
 * A result test of a verified query, like a dbt test: on the named connections, with the data as of `now` (the demo
 * database is rebuilt for that date), the query run with `parameters` (defaults for the rest; a date range as
 * `start..end`, end exclusive) must return `rows` exactly and/or satisfy the invariants. Run by `sleuth kb test` and
 * the CI gate (src/knowledge/result-tests.ts).
 */
export const resultTestSchema = z.strictObject({
  name: z.string().min(1).optional(),
  now: z.union([isoDate, z.date().transform((d) => d.toISOString().slice(0, 10))]),
  /** Connections to run on; default the query's own. */
  connections: z.array(identifier).min(1).optional(),
  parameters: z.record(identifier, z.union([z.string(), z.number()])).default({}),
  expect: z
    .strictObject({
      columns: z.array(z.string()).optional(),
      rows: z.array(z.array(z.union([z.string(), z.number(), z.boolean(), z.null()]))).optional(),
      row_count: z.number().int().min(0).optional(),
      /** Column sums, compared with a tolerance of 0.01. */
      sums: z.record(z.string(), z.number()).optional(),
      non_negative: z.array(z.string()).optional(),
      not_null: z.array(z.string()).optional(),
      /** "column" or "column desc": the rows are ordered by it. */
      sorted: z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*( (asc|desc))?$/)
        .optional(),
    })
    .refine((e) => Object.keys(e).length > 0, 'an expectation needs rows or at least one invariant'),
});

export type ResultTest = z.infer<typeof resultTestSchema>;

export const verifiedQueryFileSchema = z
  .strictObject({
    name: identifier,
    description: z.string().min(1),
    /** Phrasings users ask; the first is the one shown as an example. */
    questions: z.array(z.string().min(3)).min(1),
    connection: identifier,
    owner: z.string().min(1),
    verified_on: z.union([isoDate, z.date().transform((d) => d.toISOString().slice(0, 10))]),
    tags: z.array(z.string()).default([]),
    /** What the query answers, in glossary vocabulary terms: without it the FAQ tier never answers with it. */
    answers: answersSchema.optional(),
    parameters: z.record(identifier, parameterDefinitionSchema).default({}),
    sql: z.string().min(1),
    /** Result tests (expected rows or invariants at a pinned date); see resultTestSchema. */
    tests: z.array(resultTestSchema).optional(),
  })
  .superRefine((query, ctx) => {
    for (const [i, test] of (query.tests ?? []).entries()) {
      for (const name of Object.keys(test.parameters)) {
        if (!query.parameters[name]) {
          ctx.addIssue({ code: 'custom', path: ['tests', i, 'parameters', name], message: `no parameter ${name}` });
        }
      }
    }
    for (const match of query.sql.matchAll(/\{\{\s*([a-z][a-z0-9_]*)(?:\.([a-z]+))?\s*\}\}/g)) {
      const [, param, part] = match;
      const definition = param ? query.parameters[param] : undefined;
      if (!definition) {
        ctx.addIssue({
          code: 'custom',
          path: ['sql'],
          message: `placeholder {{${param}}} has no parameter definition`,
        });
        continue;
      }
      const allowed =
        definition.type === 'date_range'
          ? ['start', 'end']
          : definition.type === 'text'
            ? [undefined, 'contains']
            : [undefined];
      if (!allowed.includes(part)) {
        ctx.addIssue({
          code: 'custom',
          path: ['sql'],
          message: `placeholder {{${param}${part ? `.${part}` : ''}}} does not fit a ${definition.type} parameter`,
        });
      }
    }
    for (const [name, definition] of Object.entries(query.parameters)) {
      if (definition.type === 'enum' && !definition.values && !definition.values_from) {
        ctx.addIssue({ code: 'custom', path: ['parameters', name], message: 'an enum needs values or values_from' });
      }
      if (!query.sql.includes(`{{${name}`) && !query.sql.includes(`{{ ${name}`)) {
        ctx.addIssue({ code: 'custom', path: ['parameters', name], message: `parameter ${name} is not used in sql` });
      }
    }
  });

export type VerifiedQueryFile = z.infer<typeof verifiedQueryFileSchema>;

export const glossaryFileSchema = z.strictObject({
  terms: z.array(
    z.strictObject({
      term: z.string().min(1),
      aliases: z.array(z.string().min(1)).default([]),
      definition: z.string().min(1),
      /** How the term is computed, as a SQL fragment or query, for the agent's reference. */
      sql: z.string().optional(),
      tables: z.array(z.string()).default([]),
      connection: identifier.optional(),
    }),
  ),
  vocabulary: vocabularySchema.optional(),
});

export type GlossaryTerm = z.infer<typeof glossaryFileSchema>['terms'][number];

export interface DocChunk {
  /** `<file>#<heading slug>` */
  readonly id: string;
  readonly title: string;
  readonly text: string;
  readonly connection: string | null;
  readonly file: string;
}

export interface LoadedVerifiedQuery extends VerifiedQueryFile {
  /** Path relative to the knowledge directory. */
  readonly file: string;
}

export interface KnowledgeFiles {
  readonly dir: string;
  readonly verifiedQueries: readonly LoadedVerifiedQuery[];
  readonly glossary: readonly GlossaryTerm[];
  /** The FAQ tier's vocabulary (glossary.yaml `vocabulary:`); empty when absent. */
  readonly vocabulary: Vocabulary;
  readonly docs: readonly DocChunk[];
  /** Admin rules for personal data (sensitive.yaml); empty when the file is absent. */
  readonly sensitive: PiiRules;
}

/** Reads and validates every file under the knowledge directory; a missing directory is an empty knowledge base. */
export async function loadKnowledgeFiles(dir: string): Promise<KnowledgeFiles> {
  const verifiedQueries: LoadedVerifiedQuery[] = [];
  const problems: string[] = [];
  for (const file of await listFiles(join(dir, 'verified'), /\.ya?ml$/)) {
    const rel = relative(dir, file);
    let raw: unknown;
    try {
      raw = await readYaml(file, rel);
    } catch (error) {
      problems.push((error as Error).message);
      continue;
    }
    const parsed = verifiedQueryFileSchema.safeParse(raw);
    if (!parsed.success) {
      problems.push(...parsed.error.issues.map((i) => `${rel}: ${i.path.join('.') || '(file)'}: ${i.message}`));
      continue;
    }
    verifiedQueries.push({ ...parsed.data, file: rel });
  }
  const seen = new Map<string, string>();
  for (const query of verifiedQueries) {
    const other = seen.get(query.name);
    if (other) problems.push(`${query.file}: name ${query.name} is already used by ${other}`);
    seen.set(query.name, query.file);
  }
  let glossary: GlossaryTerm[] = [];
  let vocabulary: Vocabulary = EMPTY_VOCABULARY;
  const glossaryPath = join(dir, 'glossary.yaml');
  const glossaryRaw = await readFile(glossaryPath, 'utf8').catch(() => null);
  if (glossaryRaw !== null) {
    try {
      const parsed = glossaryFileSchema.safeParse(parseYamlOrThrow(glossaryRaw, 'glossary.yaml'));
      if (parsed.success) {
        glossary = parsed.data.terms;
        vocabulary = parsed.data.vocabulary ?? EMPTY_VOCABULARY;
      } else problems.push(...parsed.error.issues.map((i) => `glossary.yaml: ${i.path.join('.')}: ${i.message}`));
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  const glossaryBroken = problems.some((p) => p.startsWith('glossary.yaml'));
  for (const query of verifiedQueries) {
    if (query.answers && !glossaryBroken)
      problems.push(...checkAnswers(query.file, query.answers, query.parameters, vocabulary));
  }
  let sensitive: PiiRules = { sensitive: [], notSensitive: [] };
  const sensitiveRaw = await readFile(join(dir, SENSITIVE_FILE), 'utf8').catch(() => null);
  if (sensitiveRaw !== null) {
    try {
      const parsed = parseSensitiveFile(parseYamlOrThrow(sensitiveRaw, SENSITIVE_FILE));
      sensitive = parsed.rules;
      problems.push(...parsed.problems);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  const docs: DocChunk[] = [];
  for (const file of await listFiles(join(dir, 'docs'), /\.md$/)) {
    try {
      docs.push(...chunkMarkdown(await readFile(file, 'utf8'), relative(dir, file)));
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (problems.length > 0) {
    throw new UserError(
      'KNOWLEDGE_INVALID',
      `The knowledge files in ${dir} have problems:\n  ${problems.join('\n  ')}`,
      {
        details: { problems },
      },
    );
  }
  verifiedQueries.sort((a, b) => a.name.localeCompare(b.name));
  return { dir, verifiedQueries, glossary, vocabulary, docs, sensitive };
}

/** Splits Markdown into chunks at `##` headings; an optional `connection: name` line in front matter scopes them. */
export function chunkMarkdown(markdown: string, file: string): DocChunk[] {
  let body = markdown;
  let connection: string | null = null;
  const front = /^---\n([\s\S]*?)\n---\n/.exec(markdown);
  if (front?.[1]) {
    const meta = parseYamlOrThrow(front[1], file) as Record<string, unknown> | null;
    if (meta && typeof meta.connection === 'string') connection = meta.connection;
    body = markdown.slice(front[0].length);
  }
  const chunks: DocChunk[] = [];
  const sections = body.split(/^(?=## )/m);
  for (const section of sections) {
    const text = section.trim();
    if (!text) continue;
    const heading = /^##\s+(.+)$/m.exec(text)?.[1]?.trim() ?? basename(file, '.md');
    const slug = heading
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');
    chunks.push({ id: `${file}#${slug}`, title: heading, text, connection, file });
  }
  return chunks;
}

async function listFiles(dir: string, pattern: RegExp): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(path, pattern)));
    else if (pattern.test(entry.name)) files.push(path);
  }
  return files.sort();
}

async function readYaml(path: string, rel: string): Promise<unknown> {
  return parseYamlOrThrow(await readFile(path, 'utf8'), rel);
}

function parseYamlOrThrow(text: string, rel: string): unknown {
  try {
    return parseYaml(text);
  } catch (error) {
    throw new UserError('KNOWLEDGE_INVALID', `${rel} is not valid YAML: ${(error as Error).message}`, { cause: error });
  }
}
