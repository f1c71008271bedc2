/**
 * SCAP content as a policy: the profile's selected rules become controls with the rule's title,
 * rationale, references (CCE, CIS, NIST) linked to their http(s) hrefs, and fix, the severity
 * mapped onto criticality (and overridden); content mistakes and hostile XML are usage errors
 * naming the file and line; the Debian content installed from .ci/run's apt line loads with every
 * profile it lists.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../errors.js';
import { INSTALLED_SSG_DIR } from '../../../../test/support/scap-content.js';
import { policyFormatOf } from '../list.js';
import { parseScapPolicy, scapFormat, scapRunOf, shortXccdfId } from './index.js';
import { installedScapContent, profilesInText } from './installed-content.js';

const testdata = (name: string): string => readFileSync(new URL(`../../scap/xccdf/testdata/${name}`, import.meta.url), 'utf8');
const readReferenced = (href: string): string | undefined => (href === 'small-oval.xml' ? testdata(href) : undefined);

function usageError(run: () => unknown): UsageError {
  try {
    run();
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('no error');
}

describe('SCAP policy format', () => {
  it('turns the selected rules of a profile into controls carrying title, rationale, references and the fix with values', () => {
    const policy = parseScapPolicy(testdata('small-benchmark.xml'), 'small-benchmark.xml', { profile: 'base', readReferenced });
    expect(policy.id).toBe('small:base');
    const timeout = policy.controls.find((control) => control.cid === 'xccdf_test.tollgate_rule_timeout');
    expect(timeout).toMatchObject({ title: 'Idle timeout is set', criticality: 'SERIOUS', rationale: 'Idle sessions are a risk.' });
    expect(timeout?.references).toEqual(['CCE-00001-1', 'CIS 5.2.16', 'NIST AC-12']);
    expect(timeout?.referenceLinks).toEqual([
      { url: 'https://www.cisecurity.org/controls/', labels: ['CIS 5.2.16'] },
      { url: 'https://nvlpubs.nist.gov/nistpubs/SpecialPublications/NIST.SP.800-53r4.pdf', labels: ['NIST AC-12'] },
    ]);
    expect(timeout?.remediation).toContain("timeout='300'");
    expect(policy.controls.map((control) => control.cid)).not.toContain('xccdf_test.tollgate_rule_in_off_group');
    expect(policy.evaluator).toBeDefined();
    expect(scapRunOf(policy)?.profile.id).toBe('xccdf_test.tollgate_profile_base');
  });

  it('links references to their http(s) hrefs, one entry per URL, the first href of a repeated label, never another scheme', () => {
    const benchmark = `<?xml version="1.0"?>
<xccdf:Benchmark xmlns:xccdf="http://checklists.nist.gov/xccdf/1.2" id="xccdf_test.tollgate_benchmark_refs" resolved="true">
  <xccdf:title>References</xccdf:title>
  <xccdf:version>1</xccdf:version>
  <xccdf:Rule id="xccdf_test.tollgate_rule_refs" selected="true" severity="low">
    <xccdf:title>Referenced</xccdf:title>
    <xccdf:ident system="https://ncp.nist.gov/cce">CCE-00002-2</xccdf:ident>
    <xccdf:reference href="https://www.cisecurity.org/benchmark/debian_linux/">1.1.1</xccdf:reference>
    <xccdf:reference href="https://www.cisecurity.org/controls/">1.1.1</xccdf:reference>
    <xccdf:reference href="https://www.cisecurity.org/benchmark/debian_linux/">5.2.16</xccdf:reference>
    <xccdf:reference href="http://guides.example.org/hardening#4">Guide 4</xccdf:reference>
    <xccdf:reference href="javascript:alert(1)">Script</xccdf:reference>
    <xccdf:reference href="file:///etc/passwd">Local</xccdf:reference>
    <xccdf:reference href="">Printed guide, chapter 2</xccdf:reference>
    <xccdf:reference href="https://bare.example.org/page"/>
    <xccdf:reference href=""/>
  </xccdf:Rule>
  <xccdf:Rule id="xccdf_test.tollgate_rule_plain" selected="true" severity="low">
    <xccdf:title>Unreferenced</xccdf:title>
  </xccdf:Rule>
</xccdf:Benchmark>`;
    const [referenced, plain] = parseScapPolicy(benchmark, 'refs.xml').controls;
    expect(referenced?.references).toEqual(['CCE-00002-2', 'CIS 1.1.1', 'CIS 5.2.16', 'Guide 4 (http://guides.example.org/hardening#4)', 'Script (javascript:alert(1))', 'Local (file:///etc/passwd)', 'Printed guide, chapter 2', 'https://bare.example.org/page']);
    expect(referenced?.referenceLinks).toEqual([
      { url: 'https://www.cisecurity.org/benchmark/debian_linux/', labels: ['CIS 1.1.1', 'CIS 5.2.16'] },
      { url: 'http://guides.example.org/hardening#4', labels: ['Guide 4 (http://guides.example.org/hardening#4)'] },
    ]);
    expect(plain).not.toHaveProperty('references');
    expect(plain).not.toHaveProperty('referenceLinks');
  });

  it('maps severities onto criticalities, refine-rule and overrides included', () => {
    const policy = parseScapPolicy(testdata('small-benchmark.xml'), 'small-benchmark.xml', { profile: 'base', readReferenced });
    const criticality = (name: string) => policy.controls.find((control) => control.cid === `xccdf_test.tollgate_rule_${name}`)?.criticality;
    expect(criticality('negated')).toBe('CRITICAL'); // refine-rule severity="high"
    expect(criticality('without_ssh')).toBe('MINIMAL'); // info
    const overridden = parseScapPolicy(testdata('small-benchmark.xml'), 'small-benchmark.xml', { profile: 'base', readReferenced, criticalities: { high: 'URGENT' } });
    expect(overridden.controls.find((control) => control.cid === 'xccdf_test.tollgate_rule_negated')?.criticality).toBe('URGENT');
  });

  it('refuses an unknown profile naming the profiles, and content without a profile that selects nothing', () => {
    expect(usageError(() => parseScapPolicy(testdata('small-benchmark.xml'), 'small.xml', { profile: 'nope', readReferenced })).message).toMatch(/no profile "nope".*xccdf_test.tollgate_profile_base/);
    const defaults = testdata('small-benchmark.xml').replace(/selected="true"/g, 'selected="false"');
    expect(usageError(() => parseScapPolicy(defaults, 'small.xml', { readReferenced })).message).toMatch(/selects no rule; name a profile as scap:small.xml#<profile>/);
  });

  it('refuses a DTD (entity declarations) with the line, before any expansion', () => {
    const hostile = `<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>\n<xccdf:Benchmark xmlns:xccdf="http://checklists.nist.gov/xccdf/1.2" id="b">&b;</xccdf:Benchmark>`;
    const error = usageError(() => parseScapPolicy(hostile, 'evil.xml'));
    expect(error.message).toMatch(/evil\.xml:2: .*DTD/);
  });

  it('refuses nesting deeper than the bound with the line, and a hostile tailoring file like the content', () => {
    const deep = `<?xml version="1.0"?>\n<xccdf:Benchmark xmlns:xccdf="http://checklists.nist.gov/xccdf/1.2" id="b">\n${'<g>'.repeat(400)}${'</g>'.repeat(400)}</xccdf:Benchmark>`;
    expect(usageError(() => parseScapPolicy(deep, 'deep.xml')).message).toMatch(/deep\.xml:3: .*nested deeper/);
    const tailoring = { text: '<?xml version="1.0"?>\n<!DOCTYPE t SYSTEM "file:///etc/passwd">\n<t/>', origin: 'tailoring.xml' };
    expect(usageError(() => parseScapPolicy(testdata('small-benchmark.xml'), 'small.xml', { profile: 'base', readReferenced, tailoring })).message).toMatch(/tailoring\.xml:2: .*DTD/);
  });

  it('names the line of malformed XML and refuses a root that is not SCAP content', () => {
    expect(usageError(() => parseScapPolicy('<?xml version="1.0"?>\n<a>\n<b></a>', 'broken.xml')).message).toMatch(/broken\.xml:3/);
    expect(usageError(() => parseScapPolicy('<html/>', 'page.xml')).message).toMatch(/not SCAP content/);
  });

  it('is told by its name and content from the native format', () => {
    expect(policyFormatOf('x.xml', testdata('small-benchmark.xml')).id).toBe('scap');
    expect(scapFormat.sniff('<ds:data-stream-collection xmlns:ds="x">')).toBe(true);
    expect(scapFormat.sniff('controls: []')).toBe(false);
  });

  it('shortens XCCDF ids the way profiles are named on the command line', () => {
    expect(shortXccdfId('xccdf_org.ssgproject.content_profile_anssi_bp28_high')).toBe('anssi_bp28_high');
    expect(shortXccdfId('xccdf_org.ssgproject.content_benchmark_DEBIAN-12')).toBe('DEBIAN-12');
  });
});

describe('the installed Debian content', () => {
  const dataStream = path.join(INSTALLED_SSG_DIR, 'ssg-debian11-ds.xml');

  it('loads the standard profile of the Debian 11 data stream with its references and CPE checks', () => {
    const policy = parseScapPolicy(readFileSync(dataStream, 'utf8'), dataStream, { profile: 'standard' });
    expect(policy.id).toBe('DEBIAN-11:standard');
    expect(policy.controls.length).toBeGreaterThan(20);
    const cron = policy.controls.find((control) => control.cid === 'xccdf_org.ssgproject.content_rule_package_cron_installed');
    expect(cron?.references).toEqual(expect.arrayContaining(['ANSSI BP28(R50)', 'CIS 11']));
    expect(cron?.referenceLinks).toContainEqual({ url: 'http://www.ssi.gouv.fr/administration/bonnes-pratiques/', labels: expect.arrayContaining(['ANSSI BP28(R50)']) });
    const run = scapRunOf(policy);
    expect(run?.content.applicability.dictionary.get('cpe:/o:debian:debian_linux:11')?.href).toBe('ssg-debian11-cpe-oval.xml');
    expect(run?.content.oval('ssg-debian11-oval.xml')?.definitions.size).toBeGreaterThan(100);
    expect(run?.content.oval('ssg-debian11-cpe-oval.xml')?.definitions.size).toBeGreaterThan(0);
  });

  it('lists installed data streams with the profiles a full parse finds', () => {
    const listed = installedScapContent([INSTALLED_SSG_DIR]).find((content) => content.file === dataStream);
    const text = readFileSync(dataStream, 'utf8');
    const parsed = scapRunOf(parseScapPolicy(text, dataStream, { profile: 'standard' }))?.content.benchmark.profiles;
    expect(listed?.profiles.map((profile) => profile.id)).toEqual([...(parsed?.keys() ?? [])]);
    expect(profilesInText(text).find((profile) => profile.id.endsWith('_standard'))?.title).toBe('Standard System Security Profile for Debian 11');
  });
});
