/**
 * The README is the short front page and docs/ holds the rest, so this keeps them from drifting apart: the README stays
 * within 200 lines, links every docs/ page, and every relative link in the README and docs/ points to a file that
 * exists (and, with a #fragment, to a heading of that file, slugged as GitHub does). The checker itself is shown to
 * catch a missing page, a missing heading and an unlinked page on a scratch copy.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const README_MAX_LINES = 200;

/** Lines outside fenced code blocks (``` or ~~~), with their 1-based line numbers. */
function proseLines(markdown: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let fence: string | null = null;
  markdown.split('\n').forEach((text, index) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(text)?.[1];
    if (marker !== undefined) {
      if (fence === null) fence = marker[0]!;
      else if (marker[0] === fence) fence = null;
      return;
    }
    if (fence === null) out.push({ line: index + 1, text });
  });
  return out;
}

/** GitHub's heading anchor: the rendered text, lower-cased, punctuation dropped, spaces as hyphens. */
function githubSlug(heading: string): string {
  const rendered = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links and images: their text
    .replace(/`([^`]*)`/g, '$1') // code spans: their content
    .replace(/(\*\*|__|\*)/g, ''); // emphasis markers
  return rendered
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a markdown file's headings, duplicates numbered as GitHub does (x, x-1, x-2). */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const { text } of proseLines(markdown)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(text)?.[1];
    if (heading === undefined) continue;
    const base = githubSlug(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

interface Link {
  file: string;
  line: number;
  target: string;
}

/** Inline markdown links `[text](target)` outside code, except absolute URLs (any scheme) and mail links. */
function relativeLinks(file: string, markdown: string): Link[] {
  const links: Link[] = [];
  for (const { line, text } of proseLines(markdown)) {
    const withoutCode = text.replace(/`[^`]*`/g, '');
    for (const match of withoutCode.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const target = match[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      links.push({ file, line, target });
    }
  }
  return links;
}

/** Every relative link in `files` (paths under `root`) that points to no file, or to no heading of that file. */
function brokenLinks(root: string, files: readonly string[]): string[] {
  const problems: string[] = [];
  const anchorCache = new Map<string, Set<string>>();
  for (const file of files) {
    const source = join(root, file);
    for (const link of relativeLinks(file, readFileSync(source, 'utf8'))) {
      const [pathPart = '', fragment] = link.target.split('#', 2);
      const targetPath = pathPart === '' ? source : resolve(dirname(source), decodeURIComponent(pathPart));
      const where = `${link.file}:${link.line} -> ${link.target}`;
      if (!existsSync(targetPath)) {
        problems.push(`${where}: no file ${relative(root, targetPath)}`);
        continue;
      }
      if (fragment === undefined || fragment === '') continue;
      if (!targetPath.endsWith('.md')) {
        problems.push(`${where}: an anchor into a file that is not markdown`);
        continue;
      }
      let anchors = anchorCache.get(targetPath);
      if (anchors === undefined) {
        anchors = anchorsOf(readFileSync(targetPath, 'utf8'));
        anchorCache.set(targetPath, anchors);
      }
      if (!anchors.has(fragment.toLowerCase())) {
        problems.push(`${where}: no heading #${fragment} in ${relative(root, targetPath)}`);
      }
    }
  }
  return problems;
}

/** The docs/*.md pages the README does not link to. */
function unlinkedPages(root: string): string[] {
  const readme = 'README.md';
  const linked = new Set(
    relativeLinks(readme, readFileSync(join(root, readme), 'utf8')).map((link) =>
      relative(root, resolve(root, decodeURIComponent(link.target.split('#')[0] ?? ''))),
    ),
  );
  return docsPages(root).filter((page) => !linked.has(page));
}

function docsPages(root: string): string[] {
  return readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => join('docs', name));
}

function lineCount(text: string): number {
  return text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length;
}

describe('README and docs/', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

  it(`the README is at most ${README_MAX_LINES} lines`, () => {
    expect(lineCount(readme)).toBeLessThanOrEqual(README_MAX_LINES);
  });

  it('the README links every docs/ page', () => {
    expect(docsPages(ROOT).length).toBeGreaterThan(0);
    expect(unlinkedPages(ROOT)).toEqual([]);
  });

  it('every relative link in the README and docs/ points to an existing file and heading', () => {
    const files = ['README.md', ...docsPages(ROOT)];
    const links = files.flatMap((file) => relativeLinks(file, readFileSync(join(ROOT, file), 'utf8')));
    expect(links.length).toBeGreaterThan(files.length);
    expect(brokenLinks(ROOT, files)).toEqual([]);
  });

  it("the README's verified-query example is a shipped verified query, word for word", () => {
    const block = /## A verified query[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const name = (parseYaml(block!) as { name: string }).name;
    expect(readFileSync(join(ROOT, 'knowledge', 'verified', `${name}.yaml`), 'utf8')).toBe(block);
  });
});

describe('the link checker', () => {
  it('slugs headings as GitHub does', () => {
    expect(githubSlug('`npm run bench:guard`')).toBe('npm-run-benchguard');
    expect(githubSlug('Guardrails: limits, query cost budget, audit')).toBe(
      'guardrails-limits-query-cost-budget-audit',
    );
    expect(githubSlug('`sleuth check-sql` (stable interface)')).toBe('sleuth-check-sql-stable-interface');
    expect(githubSlug('2. Tokens and settings')).toBe('2-tokens-and-settings');
    expect(githubSlug("Embedded vectors live in Sleuth's memory, not pgvector")).toBe(
      'embedded-vectors-live-in-sleuths-memory-not-pgvector',
    );
  });

  it('reports a missing file, a missing heading and an unlinked page, and ignores links in code and URLs', () => {
    const root = mkdtempSync(join(tmpdir(), 'sleuth-docs-links-'));
    mkdirSync(join(root, 'docs'));
    writeFileSync(
      join(root, 'README.md'),
      [
        '# Title',
        'See [a](docs/a.md#setup), [gone](docs/gone.md), [b](docs/b.md#no-such-heading) and [top](#title).',
        'External: [site](https://example.com/x.md), `[code](docs/nope.md)`.',
        '```md',
        '[in a fence](docs/nope.md)',
        '```',
        '',
      ].join('\n'),
    );
    writeFileSync(join(root, 'docs', 'a.md'), '# A\n\n## Setup\n\nBack to [the top](../README.md#title).\n');
    writeFileSync(join(root, 'docs', 'b.md'), '# B\n\n## Setup\n\n## Setup\n\n[second](#setup-1)\n');
    writeFileSync(join(root, 'docs', 'c.md'), '# C\n');

    expect(brokenLinks(root, ['README.md', 'docs/a.md', 'docs/b.md', 'docs/c.md'])).toEqual([
      'README.md:2 -> docs/gone.md: no file docs/gone.md',
      'README.md:2 -> docs/b.md#no-such-heading: no heading #no-such-heading in docs/b.md',
    ]);
    expect(unlinkedPages(root)).toEqual(['docs/c.md']);
  });
});
