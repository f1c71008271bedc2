import { describe, expect, it } from 'vitest';
import { aggregateVerdicts, evaluateImageGate } from '../../gate/evaluate.js';
import { emptyGateConfig } from '../../gate/gate-config.js';
import { sampleScan } from '../../../test/support/scan-fixtures.js';
import { renderHtml } from '../html/index.js';
import type { ImageReport, SiblingFiles } from '../renderer.js';
import { htmlFilesRenderer, renderImageFiles } from './index.js';

function report(): ImageReport {
  const scan = sampleScan();
  return { scans: [scan], verdict: aggregateVerdicts([evaluateImageGate(scan, { ...emptyGateConfig(), failOn: 'CRITICAL' }, '2026-01-01')]) };
}

const text = (html: string) => html.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ');

describe('the HTML report with sibling files', () => {
  it('has nothing inline a strict CSP would block: no <style>, no style attribute, no script, no inline SVG', () => {
    const { html } = renderImageFiles(report(), 'out_files');
    expect(html).not.toMatch(/<style|\sstyle=|<script|<svg/i);
    expect(html).toContain('<link rel="stylesheet" href="out_files/report.css">');
    expect(html).toContain('<img src="out_files/chart-1.svg" alt="Findings by severity" width="480"');
  });

  it('writes the stylesheet and one SVG document per chart, each referenced by the page', () => {
    const { html, files } = renderImageFiles(report(), 'out_files');
    expect(files.map((file) => file.name)).toEqual(['report.css', 'chart-1.svg', 'chart-2.svg']);
    for (const file of files) expect(html).toContain(`out_files/${file.name}`);
    expect(files[0]?.content).toContain('nav.tabs');
    expect(files[1]?.content).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });

  it('says the same as the self-contained report: only the charts become images', () => {
    const inline = text(renderHtml(report()).replace(/<svg[\s\S]*?<\/svg>/g, '').replace(/<script>[\s\S]*?<\/script>|<style>[\s\S]*?<\/style>/g, ''));
    expect(text(renderImageFiles(report()).html)).toBe(inline);
  });

  it('percent-encodes and escapes a folder name taken from the report file name', () => {
    const { html } = renderImageFiles(report(), 'my "report" <1>_files');
    expect(html).toContain('href="my%20%22report%22%20%3C1%3E_files/report.css"');
  });

  it('hands its files to the writer the options carry, in the folder the writer names', () => {
    const added: string[] = [];
    const siblingFiles: SiblingFiles = { folder: 'scan_files', add: (name) => added.push(name) };
    const html = htmlFilesRenderer.renderImage?.(report(), { color: false, siblingFiles }) ?? '';
    expect(added).toEqual(['report.css', 'chart-1.svg', 'chart-2.svg']);
    expect(html).toContain('href="scan_files/report.css"');
  });
});
