/**
 * The one list of report formats. Adding a format: a folder under src/report/ and one line here.
 */
import { UsageError } from '../errors.js';
import { cyclonedxRenderer } from './cyclonedx/index.js';
import { htmlRenderer } from './html/index.js';
import { jsonRenderer } from './json/index.js';
import { junitRenderer } from './junit/index.js';
import { markdownRenderer } from './markdown/index.js';
import type { Renderer } from './renderer.js';
import { sarifRenderer } from './sarif/index.js';
import { tableRenderer } from './table/index.js';

export const RENDERERS: readonly Renderer[] = [tableRenderer, jsonRenderer, htmlRenderer, junitRenderer, sarifRenderer, markdownRenderer, cyclonedxRenderer];

export function getRenderer(id: string, kind: 'image'): Renderer {
  const renderer = RENDERERS.find((candidate) => candidate.id === id);
  const supported = RENDERERS.filter((candidate) => kind === 'image' && candidate.renderImage).map((candidate) => candidate.id);
  if (!renderer || !supported.includes(id)) throw new UsageError(`unknown --format "${id}" (choose from ${supported.join(', ')})`);
  return renderer;
}
