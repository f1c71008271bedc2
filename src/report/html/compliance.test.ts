/**
 * The compliance HTML report's references: each control's references folded under their count in
 * the All controls table, a link (rel="noopener noreferrer") for each with an http(s) URL, escaped
 * text for the rest and for any other scheme, and nothing at all for a control without references.
 */
import { describe, expect, it } from 'vitest';
import { complianceReportOf, controlResult } from '../../../test/support/compliance-fixtures.js';
import type { ControlResult } from '../../model/compliance-result.js';
import { renderComplianceHtml } from './compliance.js';

const render = (controls: ControlResult[]): string => renderComplianceHtml(complianceReportOf(controls));

/** The row of one control in the All controls table. */
function rowOf(html: string, cid: string): string {
  const row = html.slice(html.indexOf('id="all-controls-table"')).split('\n').find((line) => line.startsWith('<tr') && line.includes(`<code class="cid">${cid}</code>`));
  if (!row) throw new Error(`no row for ${cid}`);
  return row;
}

/** Every href the report writes, as written (attribute-escaped). */
function hrefs(html: string): string[] {
  return [...html.matchAll(/\shref="([^"]*)"/g)].map((match) => match[1] as string);
}

describe('references in the compliance HTML report', () => {
  it('lists a control\'s references under their count, one link per http(s) URL with the references pointing there, the rest as text', () => {
    const row = rowOf(render([controlResult('TG-1', {
      references: ['CCE-80001-1', 'CIS 1.1.1', 'CIS 5.2.16', 'https://example.org/guide#ssh'],
      referenceLinks: [{ url: 'https://www.cisecurity.org/controls/', labels: ['CIS 1.1.1', 'CIS 5.2.16'] }],
    })]), 'TG-1');
    expect(row).toContain('<details class="references"><summary>4 references</summary><ul><li>CCE-80001-1</li>');
    expect(row).toContain('<li><a href="https://www.cisecurity.org/controls/" rel="noopener noreferrer">CIS 1.1.1, CIS 5.2.16</a></li>');
    expect(row).toContain('<li><a href="https://example.org/guide#ssh" rel="noopener noreferrer">https://example.org/guide#ssh</a></li></ul></details>');
  });

  it('never links javascript:, data: or file: addresses, and escapes hostile labels and URLs', () => {
    const html = render([controlResult('TG-2', {
      references: ['<img src=x onerror=alert(1)>', 'javascript:alert(1)', 'file:///etc/passwd', 'Guide "quoted" & <b>'],
      referenceLinks: [
        { url: 'data:text/html,<script>alert(1)</script>', labels: ['<img src=x onerror=alert(1)>'] },
        { url: 'https://example.org/?q="><script>alert(2)</script>', labels: ['Guide "quoted" & <b>'] },
      ],
    })]);
    const row = rowOf(html, 'TG-2');
    expect(row).toContain('<li>&lt;img src=x onerror=alert(1)&gt;</li><li>javascript:alert(1)</li><li>file:///etc/passwd</li>');
    expect(row).toContain('<a href="https://example.org/?q=%22%3E%3Cscript%3Ealert(2)%3C/script%3E" rel="noopener noreferrer">Guide &quot;quoted&quot; &amp; &lt;b&gt;</a>');
    expect(row).not.toMatch(/<img|<script|<b>/);
    expect(hrefs(html).every((href) => href.startsWith('#') || /^https?:\/\//.test(href))).toBe(true);
  });

  it('says "1 reference" for one, and renders no list for a control without references or with an empty one', () => {
    const html = render([controlResult('TG-3', { references: ['CCE-80003-3'] }), controlResult('TG-4'), controlResult('TG-5', { references: [] }), controlResult('TG-6', { references: [''] })]);
    expect(rowOf(html, 'TG-3')).toContain('<summary>1 reference</summary>');
    for (const cid of ['TG-4', 'TG-5', 'TG-6']) expect(rowOf(html, cid)).not.toMatch(/<details|<ul>|<li>|reference/);
  });
});
