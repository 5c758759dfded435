import { describe, expect, it } from 'vitest';
import { codeBlock, escapeText, plainText, safeText, truncate } from '../../../src/slack/render/index.js';
import { renderTable, toCsv } from '../../../src/slack/render/table.js';
import { isHelpRequest, questionFromSlack } from '../../../src/slack/text.js';

const WJ = '\u2060';

describe('escaping untrusted text', () => {
  it.each([
    ['<!channel> hi', '&lt;!channel&gt; hi'],
    ['<!here|here>', '&lt;!here|here&gt;'],
    ['<!everyone>', '&lt;!everyone&gt;'],
    ['ping <@U123ABC>', 'ping &lt;@\u2060U123ABC&gt;'],
    ['<#C0123|general>', '&lt;#C0123|general&gt;'],
    ['<https://evil.example|innocent>', '&lt;hxxps[://]evil[.]example|innocent&gt;'],
    ['<!subteam^S123>', '&lt;!subteam^S123&gt;'],
    ['<!date^1392734382^{date}|x>', '&lt;!date^1392734382^{date}|x&gt;'],
    ['AT&T', 'AT&amp;T'],
    ['already &lt;escaped&gt;', 'already &amp;lt;escaped&amp;gt;'],
  ])('escapes %s', (input, output) => {
    expect(escapeText(input)).toBe(output);
  });

  it('neutralises plain broadcast words and user-id mentions with a word joiner', () => {
    expect(escapeText('hey @here and @Channel, @everyone; mail@heres.com')).toBe(
      `hey @${WJ}here and @${WJ}Channel, @${WJ}everyone; mail@heres[.]com`,
    );
    expect(escapeText('cc @U0VICTIM1')).toBe(`cc @${WJ}U0VICTIM1`);
    expect(plainText('<!channel> @here', 100)).toBe(`<!channel> @${WJ}here`);
  });

  it('never cuts an entity in half when truncating escaped text', () => {
    const text = safeText(`${'a'.repeat(8)}<<<<`, 12);
    expect(text.length).toBeLessThanOrEqual(12);
    expect(text).toMatch(/^a{8}(&lt;)*…$/);
    expect(truncate('abcdef', 4)).toBe('abc…');
  });

  it('keeps code blocks closed whatever the data contains', () => {
    const block = codeBlock('SELECT 1 ``` <!channel> ```', 200);
    expect(block.startsWith('```')).toBe(true);
    expect(block.endsWith('```')).toBe(true);
    expect(block.slice(3, -3)).not.toContain('```');
    expect(block).toContain('&lt;!channel&gt;');
    expect(codeBlock('x'.repeat(10_000), 500).length).toBeLessThanOrEqual(500);
  });

  it('renders tables with truncated one-line cells and CSV without formula injection', () => {
    const table = renderTable(
      [{ name: 'name' }, { name: 'n' }],
      [
        ['line\nbreak <@U1>', 1],
        ['x'.repeat(100), null],
      ],
      { maxCell: 10 },
    );
    expect(table).not.toContain('\nbreak');
    expect(table).toContain('xxxxxxxxx…');
    expect(table).toContain('NULL');
    const csv = toCsv(
      [{ name: 'a' }, { name: 'b' }],
      [
        ['=HYPERLINK("http://x")', 'a,b'],
        ["+1+cmd|' /C calc'!A0", '"quoted"'],
        ['-12.50', -3],
      ],
    );
    // a plain number (a decimal a driver returns as text) cannot be a formula: left as it is
    expect(csv).toBe(
      'a,b\r\n"\'=HYPERLINK(""hxxp[://]x"")","a,b"\r\n\'+1+cmd|\' /C calc\'!A0,"""quoted"""\r\n-12.50,-3\r\n',
    );
  });
});

describe('questions from Slack text', () => {
  it('drops the bot mention and unwraps markup', () => {
    expect(
      questionFromSlack('<@UBOT> how many <#C1|general> users from <https://a.example|our site> &amp; <@U2>?', 'UBOT'),
    ).toBe('how many #general users from our site (https://a.example) & @U2?');
    expect(questionFromSlack('<!here> <@UBOT>   revenue?', 'UBOT')).toBe('revenue?');
  });

  it('recognises help', () => {
    expect(isHelpRequest('')).toBe(true);
    expect(isHelpRequest(' help ')).toBe(true);
    expect(isHelpRequest('help me count orders')).toBe(false);
  });
});

describe('links from data or the model', () => {
  it.each([
    ['see https://evil.example/x?d=secret', 'see hxxps[://]evil[.]example/x?d=secret'],
    ['http://x.com', 'hxxp[://]x[.]com'],
    ['mailto:a@b.com', 'mailto[:]a@b[.]com'],
    ['visit www.evil.example now', 'visit www[.]evil[.]example now'],
    ['evil.example/x', 'evil[.]example/x'],
    ['bit.ly/abc and t.co/x', 'bit[.]ly/abc and t[.]co/x'],
    ['j***@example.com', 'j***@example[.]com'],
    ['[click](https://evil.example)', '[click]\u200b(hxxps[://]evil[.]example)'],
    ['![p](https://evil.example/p.png)', '!\u200b[p]\u200b(hxxps[://]evil[.]example/p.png)'],
    ['javascript:alert(1)', 'javascript[:]alert(1)'],
  ])('defangs %s', (input, output) => {
    expect(escapeText(input)).toBe(output);
  });

  it('leaves SQL and ordinary dotted words alone', () => {
    for (const text of ['SELECT c.email, o.id, o.total FROM customers c', 'version 3.5 of report.pdf', 'data.zip']) {
      expect(escapeText(text)).toBe(text);
    }
  });
});
