// The viewer's HTML shell: trace strings only ever inside the escaped JSON block, the title
// escaped, the inline script unable to close its element, and a CSP naming its hash.
import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS } from '../../core/index.ts';
import { buildViewData, decodeTrace, escapeHtml, jsonForScript, renderViewHtml, scriptForInline } from '../../traces/index.ts';
import { HOSTILE, hostileText } from './view_fixtures.ts';

describe('jsonForScript', () => {
  it.each([HOSTILE, '</SCRIPT >', '<!-- x -->', 'a\u2028b\u2029c', '&lt;', '"\\'])('should keep %j out of the markup and parse back', (text) => {
    const json = jsonForScript({ text });
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(json)).toEqual({ text });
  });
});

describe('escapeHtml', () => {
  it('should escape every character that can start or end markup or an attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});

describe('scriptForInline', () => {
  it('should break up a closing script tag or comment opener inside the script', () => {
    expect(scriptForInline('let s="</script><!--";')).toBe('let s="<\\/script><\\!--";');
  });
});

describe('renderViewHtml', () => {
  const decoded = decodeTrace(hostileText());
  if (!decoded.ok) throw new Error(decoded.error.message);
  const data = buildViewData(decoded.value, { title: `x${HOSTILE}.jsonl`, model: DEFAULT_OPTIONS });
  const hashed: string[] = [];
  const html = renderViewHtml({ data, script: 'document.title="</script>"', sha256: (t) => (hashed.push(t), 'HASH') });

  it('should contain no trace string as markup', () => {
    expect(html).not.toContain(HOSTILE);
    expect(html).not.toContain('<img');
    expect(html.match(/<script/g)).toHaveLength(2);
    expect(html.match(/<\/script>/g)).toHaveLength(2);
  });

  it('should escape the title and embed the data so that it parses back', () => {
    expect(html).toContain(`<title>bvsim view: x${escapeHtml(HOSTILE)}.jsonl</title>`);
    const json = /<script type="application\/json" id="bvsim-data">(.*)<\/script>/.exec(html)?.[1] ?? '';
    expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(data)));
  });

  it('should allow only the inline script it carries, by hash, and nothing from the network', () => {
    expect(hashed).toEqual(['document.title="<\\/script>"']);
    expect(html).toContain(`<script>${hashed[0] ?? ''}</script>`);
    expect(html).toContain("default-src &#39;none&#39;; script-src &#39;sha256-HASH&#39;");
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
  });
});
