/**
 * Charts as inline SVG drawn only with presentation attributes (fill, x, width, ...): no style
 * attributes and no script, so they render under a Content-Security-Policy that forbids inline
 * styles. Each chart carries a <title> and a text equivalent for readers without images.
 */
import { escapeHtml } from './markup.js';

export interface Bar {
  label: string;
  value: number;
  color: string;
}

/** Horizontal bars with labels and values. */
export function barChart(title: string, bars: readonly Bar[], width = 480): string {
  const rowHeight = 26;
  const labelWidth = 130;
  const valueWidth = 60;
  const plot = width - labelWidth - valueWidth;
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  const height = bars.length * rowHeight + 10;
  const rows = bars
    .map((bar, i) => {
      const y = 5 + i * rowHeight;
      const length = Math.round((bar.value / max) * plot);
      return [
        `<text x="${labelWidth - 8}" y="${y + 17}" text-anchor="end" font-size="13" fill="#222">${escapeHtml(bar.label)}</text>`,
        `<rect x="${labelWidth}" y="${y + 4}" width="${Math.max(length, bar.value > 0 ? 2 : 0)}" height="${rowHeight - 8}" fill="${bar.color}"><title>${escapeHtml(`${bar.label}: ${bar.value}`)}</title></rect>`,
        `<text x="${labelWidth + length + 6}" y="${y + 17}" font-size="13" fill="#222">${bar.value}</text>`,
      ].join('');
    })
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" aria-label="${escapeHtml(title)}"><title>${escapeHtml(title)}</title>${rows}</svg>`;
}

/** A ring split into parts (e.g. fixable vs not fixable), with a legend. */
export function donutChart(title: string, parts: readonly Bar[], size = 160): string {
  const total = parts.reduce((sum, part) => sum + part.value, 0);
  const radius = size / 2 - 16;
  const circumference = 2 * Math.PI * radius;
  const center = size / 2;
  let offset = 0;
  const arcs =
    total === 0
      ? `<circle cx="${center}" cy="${center}" r="${radius}" fill="none" stroke="#ddd" stroke-width="24"/>`
      : parts
          .filter((part) => part.value > 0)
          .map((part) => {
            const length = (part.value / total) * circumference;
            const arc = `<circle cx="${center}" cy="${center}" r="${radius}" fill="none" stroke="${part.color}" stroke-width="24" stroke-dasharray="${length.toFixed(2)} ${(circumference - length).toFixed(2)}" stroke-dashoffset="${(-offset).toFixed(2)}" transform="rotate(-90 ${center} ${center})"><title>${escapeHtml(`${part.label}: ${part.value}`)}</title></circle>`;
            offset += length;
            return arc;
          })
          .join('');
  const legend = parts
    .map((part, i) => `<rect x="${size + 10}" y="${20 + i * 22}" width="14" height="14" fill="${part.color}"/><text x="${size + 30}" y="${32 + i * 22}" font-size="13" fill="#222">${escapeHtml(`${part.label}: ${part.value}`)}</text>`)
    .join('');
  const width = size + 200;
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${width}" height="${size}" viewBox="0 0 ${width} ${size}" aria-label="${escapeHtml(title)}"><title>${escapeHtml(title)}</title>${arcs}<text x="${center}" y="${center + 6}" text-anchor="middle" font-size="20" fill="#222">${total}</text>${legend}</svg>`;
}

export const SEVERITY_COLORS: Record<string, string> = {
  CRITICAL: '#8b0000',
  HIGH: '#d9381e',
  MEDIUM: '#e69500',
  LOW: '#2f6fbf',
  NEGLIGIBLE: '#7a8a99',
  UNKNOWN: '#b0b0b0',
};
