/**
 * Every distinct regular expression in the SCAP Security Guide content Debian ships
 * (`ssg-debian`, /usr/share/xml/scap/ssg/content/) compiles in the PCRE engine: `pattern match`
 * entities of objects and states, and regex_capture patterns. CI installs the package (.ci/run).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findElement, parseXml, type XmlElement } from '../oval/xml.js';
import { loadPcre } from './index.js';

const CONTENT_DIR = '/usr/share/xml/scap/ssg/content';

function collectPatterns(element: XmlElement, into: Set<string>): void {
  if (element.attributes.operation === 'pattern match' && element.attributes.var_ref === undefined && element.children.length === 0) into.add(element.text);
  if (element.name === 'regex_capture' && element.attributes.pattern !== undefined) into.add(element.attributes.pattern);
  for (const child of element.children) collectPatterns(child, into);
}

describe("Debian's SSG content", () => {
  it('has every distinct pattern accepted by PCRE, including those JavaScript RegExp rejects', async () => {
    const files = readdirSync(CONTENT_DIR).filter((name) => name.endsWith('-ds.xml') || name.endsWith('-oval.xml'));
    expect(files.length).toBeGreaterThan(0);
    const patterns = new Set<string>();
    for (const name of files) {
      const root = parseXml(readFileSync(`${CONTENT_DIR}/${name}`), name);
      const definitions = findElement(root, 'oval_definitions');
      expect(definitions, name).toBeDefined();
      collectPatterns(root, patterns);
    }
    const pcre = await loadPcre();
    const rejected: string[] = [];
    let rejectedByRegExp = 0;
    for (const pattern of patterns) {
      try {
        pcre.compile(pattern, { multiline: true });
      } catch (error) {
        rejected.push(`${pattern}: ${(error as Error).message}`);
      }
      try {
        new RegExp(pattern, 'm');
      } catch {
        rejectedByRegExp++;
      }
    }
    expect(patterns.size).toBeGreaterThan(300);
    expect(rejected).toEqual([]);
    // The reason for PCRE at all: the content is not JavaScript's dialect.
    expect(rejectedByRegExp).toBeGreaterThan(0);
  }, 120_000);
});
