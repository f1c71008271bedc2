/**
 * A control's references as reports show them: the references pointing at one http(s) URL together
 * (the URL from referenceLinks, else the reference itself when it is one), the others one by one,
 * in the order of references; an address of any other scheme never becomes a link, whoever wrote
 * the result.
 */
import { describe, expect, it } from 'vitest';
import { shownReferences } from './control-references.js';

describe('shownReferences', () => {
  it('groups the references pointing at one http(s) URL where the first of them stands, the others one by one', () => {
    const shown = shownReferences({
      references: ['CCE-80001-1', 'CIS 1.1.1', 'NIST AC-12', 'CIS 5.2.16', 'Printed guide'],
      referenceLinks: [
        { url: 'https://www.cisecurity.org/controls/', labels: ['CIS 1.1.1', 'CIS 5.2.16'] },
        { url: 'https://nvlpubs.nist.gov/sp800-53.pdf', labels: ['NIST AC-12'] },
      ],
    });
    expect(shown).toEqual([
      { labels: ['CCE-80001-1'] },
      { labels: ['CIS 1.1.1', 'CIS 5.2.16'], url: 'https://www.cisecurity.org/controls/' },
      { labels: ['NIST AC-12'], url: 'https://nvlpubs.nist.gov/sp800-53.pdf' },
      { labels: ['Printed guide'] },
    ]);
  });

  it('links a reference that is itself an http(s) URL, as native policies write them', () => {
    expect(shownReferences({ references: ['https://example.org/guide#ssh', 'http://example.org/a b', 'www.example.org'] })).toEqual([
      { labels: ['https://example.org/guide#ssh'], url: 'https://example.org/guide#ssh' },
      { labels: ['http://example.org/a b'], url: 'http://example.org/a%20b' },
      { labels: ['www.example.org'] },
    ]);
  });

  it('keeps the first URL of a label listed twice, and ignores links for labels the control does not have', () => {
    const shown = shownReferences({
      references: ['CIS 1.1.1'],
      referenceLinks: [
        { url: 'https://www.cisecurity.org/controls/', labels: ['CIS 1.1.1', 'CIS 9.9'] },
        { url: 'https://elsewhere.example/', labels: ['CIS 1.1.1'] },
      ],
    });
    expect(shown).toEqual([{ labels: ['CIS 1.1.1'], url: 'https://www.cisecurity.org/controls/' }]);
  });

  it('never links javascript:, data:, file: or vbscript: addresses, in referenceLinks or as the label', () => {
    const hostile = ['javascript:alert(1)', 'JavaScript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'file:///etc/passwd', 'vbscript:msgbox(1)', ' javascript:alert(1)'];
    const shown = shownReferences({ references: ['A', ...hostile], referenceLinks: hostile.map((url) => ({ url, labels: ['A', ...hostile] })) });
    expect(shown).toEqual(['A', ...hostile].map((label) => ({ labels: [label] })));
  });

  it('a bad address in referenceLinks leaves a label that is an http(s) URL linked to itself', () => {
    expect(shownReferences({ references: ['https://example.org/'], referenceLinks: [{ url: 'javascript:alert(1)', labels: ['https://example.org/'] }] })).toEqual([{ labels: ['https://example.org/'], url: 'https://example.org/' }]);
  });

  it('is empty for a control without references or with empty labels only, even with stray links', () => {
    expect(shownReferences({})).toEqual([]);
    expect(shownReferences({ references: ['', ''] })).toEqual([]);
    expect(shownReferences({ referenceLinks: [{ url: 'https://example.org/', labels: ['x'] }] })).toEqual([]);
  });
});
