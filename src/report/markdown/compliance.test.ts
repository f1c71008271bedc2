import { describe, expect, it } from 'vitest';
import { complianceReportOf, controlResult } from '../../../test/support/compliance-fixtures.js';
import { renderComplianceMarkdown } from './compliance.js';

describe('the compliance Markdown report', () => {
  it('shows each failing control\'s first references, linked to their http(s) address, the rest counted', () => {
    const nist = ['AC-6(1)', 'CM-6(a)', 'AU-2', 'AU-3', 'AU-12', 'SI-4'];
    const markdown = renderComplianceMarkdown(
      complianceReportOf([
        controlResult('sshd_disable_root_login', {
          references: ['CCE-80000-1', ...nist, '5.2.7', 'javascript:alert(1)', 'extra-1', 'extra-2'],
          referenceLinks: [
            { url: 'https://nvd.nist.gov/800-53', labels: nist },
            { url: 'https://www.cisecurity.org/benchmark', labels: ['5.2.7'] },
          ],
        }),
        controlResult('no_references'),
      ]),
    );
    const row = (cid: string): string => markdown.split('\n').find((line) => line.startsWith(`| \`${cid}\``)) ?? '';
    expect(markdown).toContain('| CID | Title | Criticality | State | References |');
    expect(row('sshd_disable_root_login')).toContain('| CCE-80000-1; [AC-6\\(1\\), CM-6\\(a\\), AU-2, AU-3 +2](<https://nvd.nist.gov/800-53>); [5.2.7](<https://www.cisecurity.org/benchmark>); +3 more |');
    expect(row('no_references')).toMatch(/\| FAIL \| {2}\|$/);
    expect(markdown).not.toContain('](javascript');
  });
});
