import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { complianceDocument, CONTEXT, imageDocument } from '../../test/support/documents.js';
import { AttachmentFormatError, complianceSection, filterRows, filterValues, imageSection, parseAttachment, sectionsOf } from './tab-model.js';

describe('reading attachments', () => {
  it('reads image and compliance documents', () => {
    expect(parseAttachment(JSON.stringify(imageDocument()), 'a').kind).toBe('tollgate-image-scan');
    expect(parseAttachment(JSON.stringify(complianceDocument()), 'b').kind).toBe('tollgate-compliance-scan');
  });

  it('refuses what is not a document of this version, naming the attachment', () => {
    expect(() => parseAttachment('{not json', 'x1')).toThrow('attachment x1 is not JSON');
    expect(() => parseAttachment(JSON.stringify({ ...imageDocument(), schemaVersion: 2 }), 'x2')).toThrow('attachment x2 has schema version 2; this tab reads version 1');
    expect(() => parseAttachment(JSON.stringify({ ...imageDocument(), kind: 'other' }), 'x3')).toThrow('attachment x3 is not a Tollgate image or compliance document');
    expect(() => parseAttachment('[]', 'x4')).toThrow(AttachmentFormatError);
  });

  it('any JSON value either reads or is refused with AttachmentFormatError, never anything else (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          parseAttachment(JSON.stringify(value), 'p');
        } catch (error) {
          expect(error).toBeInstanceOf(AttachmentFormatError);
        }
      }),
    );
  });
});

describe('the image section', () => {
  const section = imageSection(imageDocument(), 'task-1.1.cccccccccccc');

  it("has the report's five tabs and the gate's outcome", () => {
    expect(section.tabs.map((tab) => tab.title)).toEqual(['Build Summary', 'Image Statistics', 'Vulnerabilities', 'Installed Software', 'Layers']);
    expect(section.passed).toBe(false);
    expect(section.title).toBe('Image example/app:1');
    expect(section.subtitle).toBe('cccccccccccc · Scan / Scan images');
  });

  it('Build Summary lists each criterion as configured, found and violated', () => {
    const [note, criteria] = section.tabs[0]?.blocks ?? [];
    expect(note).toEqual({ kind: 'note', text: expect.stringMatching(/^The gate failed: .*CVE-2021-44906/) });
    expect(criteria?.kind === 'table' && criteria.table.rows.find((row) => row[4] === 'yes')).toEqual(['Findings at or above a severity', '>= CRITICAL', 1, 0, 'yes']);
  });

  it('Vulnerabilities, Installed Software and Layers hold every finding, package and layer', () => {
    const rows = (tab: number) => {
      const block = section.tabs[tab]?.blocks[0];
      return block?.kind === 'table' ? block.table.rows : [];
    };
    expect(rows(2).map((row) => row[0])).toEqual(['CVE-2021-44906', 'CVE-2020-8203', 'CVE-2021-23337', 'CVE-2023-5678', 'CVE-2016-2781', 'CVE-2025-0001']);
    expect(rows(3).map((row) => row[0])).toEqual(['coreutils', 'libssl3', 'lodash', 'minimist']);
    expect(rows(4)).toEqual([
      [0, 'aaaaaaaaaaaa', '100.0 MB', 'ADD rootfs.tar.xz /', 2, 3],
      [1, 'bbbbbbbbbbbb', '23.5 MB', 'COPY . /app', 2, 3],
    ]);
  });

  it('Image Statistics counts by severity from the verdict', () => {
    const block = section.tabs[1]?.blocks[1];
    expect(block?.kind === 'table' && block.table.rows).toEqual([['CRITICAL', 1], ['HIGH', 2], ['MEDIUM', 1], ['LOW', 0], ['NEGLIGIBLE', 1], ['UNKNOWN', 1]]);
  });
});

describe('the compliance section', () => {
  const section = complianceSection(complianceDocument(), 'task-1.compliance');

  it('has Summary and All Controls, with the matrix and the controls causing failure', () => {
    expect(section.tabs.map((tab) => tab.title)).toEqual(['Summary', 'All Controls']);
    expect(section.passed).toBe(false);
    const blocks = section.tabs[0]?.blocks ?? [];
    const facts = blocks[1];
    expect(facts?.kind === 'facts' && facts.items).toContainEqual(['Overall compliance', '40% (2 of 5 controls pass)']);
    const policies = blocks[2];
    expect(policies?.kind === 'table' && policies.table.rows.map((row) => row[0])).toEqual(['OpenSSH server', 'RHEL baseline (data not found: a RHEL-family distribution not present)']);
    const failing = blocks[3];
    expect(failing?.kind === 'table' && failing.table.rows.map((row) => row[0])).toEqual(['TG-SSH-001', 'TG-SSH-003']);
    const matrix = blocks[4];
    expect(matrix?.kind === 'table' && matrix.table.rows).toEqual([
      ['FAIL', 0, 1, 0, 0, 1],
      ['ERROR', 0, 0, 0, 1, 0],
      ['EXCEPTION', 0, 0, 0, 0, 0],
    ]);
  });

  it('All Controls filters by criticality and status, with the evidence', () => {
    const block = section.tabs[1]?.blocks[0];
    if (block?.kind !== 'table') throw new Error('no table');
    expect(block.table.filterColumns).toEqual([2, 4]);
    expect(filterValues(block.table, 4)).toEqual(['ERROR', 'FAIL', 'PASS']);
    expect(filterRows(block.table, { 2: 'MEDIUM', 4: 'FAIL' })).toEqual([['TG-SSH-003', 'Control TG-SSH-003', 'MEDIUM', 'ssh-server', 'FAIL', 'X11Forwarding yes', '']]);
    expect(filterRows(block.table, { 2: '', 4: 'FAIL' }).map((row) => [row[0], row[5], row[6]])).toEqual([
      ['TG-SSH-001', 'PermitRootLogin yes', 'PermitRootLogin no'],
      ['TG-SSH-003', 'X11Forwarding yes', ''],
    ]);
  });
});

it('orders sections by job, task instance and attachment name', () => {
  const later = { ...CONTEXT, taskInstanceId: 'task-2' };
  const sections = sectionsOf([
    { name: 'task-2.compliance', document: complianceDocument(later) },
    { name: 'task-1.2.x', document: imageDocument() },
    { name: 'task-1.1.x', document: imageDocument() },
  ]);
  expect(sections.map((section) => section.key)).toEqual(['task-1.1.x', 'task-1.2.x', 'task-2.compliance']);
});
