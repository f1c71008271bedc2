/**
 * `--format junit`: JUnit XML for the test tabs of Jenkins and Azure DevOps. One test suite per
 * image, one test case per gate criterion: failed when violated (the violating findings in the
 * failure text), skipped when not configured, passed otherwise. Without a gate, one case per image
 * that always passes and lists the counts.
 */
import { XMLBuilder } from 'fast-xml-parser';
import { xmlSafeTree } from './xml-text.js';
import type { ScanResult } from '../../model/image-scan.js';
import type { Criterion, ImageVerdict } from '../../model/image-verdict.js';
import { verdictOf, type Renderer } from '../renderer.js';
import { renderComplianceJunit } from './compliance.js';
import { databaseAge } from '../database-age.js';
import { osName } from '../os-support.js';

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@', format: true, suppressEmptyNode: true, processEntities: true });

function suiteName(scan: ScanResult): string {
  return scan.image.repoTags[0] ?? scan.image.reference;
}

function failureText(criterion: Criterion): string {
  const lines = criterion.violations.map((ref) => `${ref.id} ${ref.severity} ${ref.package} ${ref.version}${ref.fixedVersions.length ? ` (fixed in ${ref.fixedVersions.join(', ')})` : ''}`);
  for (const pkg of criterion.violatingPackages ?? []) lines.push(`${pkg.name} ${pkg.version} (${pkg.type}) matches ${pkg.matchedSpec}`);
  return lines.join('\n');
}

function testCase(className: string, criterion: Criterion): Record<string, unknown> {
  const base = { '@name': `${criterion.title}${criterion.configuredValue ? ` ${criterion.configuredValue}` : ''}`, '@classname': className, '@time': '0' };
  if (!criterion.configured) return { ...base, skipped: { '@message': 'not configured' } };
  if (!criterion.violated) return base;
  return { ...base, failure: { '@message': `${criterion.found} found, ${criterion.excluded} excluded`, '@type': criterion.kind, '#text': failureText(criterion) } };
}

/** The OS (and its end of life) as suite properties, which JUnit puts first in a suite. */
function osProperties(scan: ScanResult): Record<string, unknown> {
  const properties = [
    ...(scan.os ? [{ '@name': 'os', '@value': osName(scan) }] : []),
    ...(scan.os?.endOfLife ? [{ '@name': 'os.endOfLife', '@value': scan.os.endOfLife.date }] : []),
  ];
  return properties.length > 0 ? { properties: { property: properties } } : {};
}

/** The scan's warnings (what it could not judge) as the suite's error output, which JUnit puts last. */
function warningOutput(scan: ScanResult): Record<string, unknown> {
  return scan.warnings.length > 0 ? { 'system-err': scan.warnings.map((warning) => `warning: ${warning}`).join('\n') } : {};
}

function suite(scan: ScanResult, verdict: ImageVerdict | undefined): Record<string, unknown> {
  const className = `tollgate.image.${suiteName(scan).replace(/[^A-Za-z0-9_.-]/g, '_')}`;
  if (!verdict) {
    return {
      ...osProperties(scan),
      '@name': suiteName(scan),
      '@tests': 1,
      '@failures': 0,
      '@skipped': 0,
      '@timestamp': scan.scannedAt,
      testcase: [{ '@name': 'scan', '@classname': className, '@time': '0', 'system-out': `${scan.summary.packages} packages, ${scan.summary.findings} findings; no gate configured${databaseAge(scan) ? `; ${databaseAge(scan) as string}` : ''}` }],
      ...warningOutput(scan),
    };
  }
  const cases = verdict.criteria.map((criterion) => testCase(className, criterion));
  return {
    ...osProperties(scan),
    '@name': suiteName(scan),
    '@tests': cases.length,
    '@failures': verdict.criteria.filter((c) => c.violated).length,
    '@skipped': verdict.criteria.filter((c) => !c.configured).length,
    '@timestamp': scan.scannedAt,
    ...(databaseAge(scan) ? { properties: { property: [{ '@name': 'tollgate.database', '@value': databaseAge(scan) }] } } : {}),
    testcase: cases,
    ...warningOutput(scan),
  };
}

export const junitRenderer: Renderer = {
  id: 'junit',
  description: 'JUnit XML, one test case per gate criterion',
  extension: 'junit.xml',
  renderImage(report) {
    const suites = report.scans.map((scan, index) => suite(scan, verdictOf(report, index)));
    const document = {
      '?xml': { '@version': '1.0', '@encoding': 'UTF-8' },
      testsuites: {
        '@name': 'tollgate',
        '@tests': suites.reduce((sum, s) => sum + (s['@tests'] as number), 0),
        '@failures': suites.reduce((sum, s) => sum + (s['@failures'] as number), 0),
        testsuite: suites,
      },
    };
    return `${builder.build(xmlSafeTree(document)) as string}`;
  },
  renderCompliance: (report) => renderComplianceJunit(report),
};
