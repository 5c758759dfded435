/**
 * Confirming a proposal writes a verified query file under knowledge/verified/ (so it lands in git through review).
 * The SQL is stored as it ran (no parameters); an admin can generalise it later by editing the file.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { UserError } from '../common/errors.js';
import type { ProposalRecord } from '../memory/index.js';
import { verifiedQueryFileSchema } from './files.js';

export async function confirmProposalToFile(
  dir: string,
  proposal: ProposalRecord,
  input: { name: string; owner: string; description?: string; today: Date },
): Promise<string> {
  if (proposal.status !== 'pending') {
    throw new UserError('USAGE', `Proposal ${proposal.id} is already ${proposal.status}.`);
  }
  const content = {
    name: input.name,
    description: input.description ?? `Answers: ${proposal.question}`,
    questions: [proposal.question],
    connection: proposal.connection,
    owner: input.owner,
    verified_on: input.today.toISOString().slice(0, 10),
    tags: ['from-feedback'],
    parameters: {},
    sql: `${proposal.sql.trim()}\n`,
  };
  const parsed = verifiedQueryFileSchema.safeParse(content);
  if (!parsed.success) {
    throw new UserError(
      'KNOWLEDGE_INVALID',
      `Cannot save the proposal: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const folder = join(dir, 'verified');
  const file = join(folder, `${input.name}.yaml`);
  if (existsSync(file)) throw new UserError('USAGE', `${file} already exists; choose another name.`);
  await mkdir(folder, { recursive: true });
  await writeFile(
    file,
    `# Proposed from feedback on: ${proposal.question}\n${stringify(content, { lineWidth: 0 })}`,
    'utf8',
  );
  return file;
}
