/**
 * Conformance of the image-source list (src/image/sources.ts): every module under
 * src/image/sources/ is a listed source and every listed source has its module, each source type
 * of the scan result (the `ImageSourceType` of the model, published in
 * docs/schema/scan-result.schema.json) has exactly one source, and what a source says of its
 * references is what the parser and the help text use.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { duplicateProblems, folderProblems, modules, sameNamesProblems } from '../../test/support/plugin-lists.js';
import { IMAGE_SOURCES, imageReferenceHelp, splitReference } from './sources.js';

const SOURCES_DIR = fileURLToPath(new URL('./sources/', import.meta.url));
const SCAN_RESULT_SCHEMA = new URL('../../docs/schema/scan-result.schema.json', import.meta.url);

interface SourceFacts {
  type: string;
  module: string;
  syntax: string;
}

export function imageSourceListProblems(sources: readonly SourceFacts[], sourceModules: readonly string[], resultSourceTypes: readonly string[], help: string): string[] {
  return [
    ...folderProblems('image source', sourceModules, sources.map((source) => source.module), [], 'module'),
    ...duplicateProblems('image source', sources.map((source) => source.type)),
    ...sameNamesProblems('image source type', { name: 'the list', values: sources.map((source) => source.type) }, { name: 'the scan result schema', values: resultSourceTypes }),
    ...sources.filter((source) => !source.syntax.startsWith(`${source.type}:`)).map((source) => `image source "${source.type}" is written "${source.syntax}", not with its prefix`),
    ...sources.filter((source) => !help.includes(source.syntax)).map((source) => `the help text does not show "${source.syntax}"`),
  ];
}

function resultSourceTypes(): string[] {
  const schema = JSON.parse(readFileSync(SCAN_RESULT_SCHEMA, 'utf8')) as { properties: { image: { properties: { source: { enum: string[] } } } } };
  return schema.properties.image.properties.source.enum;
}

describe('the image-source list', () => {
  it('matches the source modules and the source types of a scan result, and feeds the help text', () => {
    expect(imageSourceListProblems(IMAGE_SOURCES, modules(SOURCES_DIR), resultSourceTypes(), imageReferenceHelp())).toEqual([]);
  });

  it('is what the reference parser reads: each prefix opens its own source', () => {
    for (const source of IMAGE_SOURCES) expect(splitReference(`${source.type}:some/where`)).toEqual({ kind: source, rest: 'some/where' });
    expect(splitReference('alpine:3.19')).toBeUndefined();
  });

  it('names an unlisted module, a moduleless or repeated source, a type the result does not know, a wrong syntax and a source missing from the help', () => {
    const sources = [
      { type: 'oci', module: 'oci-layout', syntax: 'oci:<dir>[:tag]' },
      { type: 'oci', module: 'oci-layout', syntax: 'oci:<folder>' },
      { type: 'podman', module: 'podman', syntax: 'containers-storage:<name>' },
    ];
    expect(imageSourceListProblems(sources, ['directory', 'oci-layout'], ['oci', 'dir'], 'image references: oci:<dir>[:tag]')).toEqual([
      'image source "directory" has a module but is not in the list',
      'image source "podman" is in the list but has no module of its own',
      'image source "oci" is listed more than once',
      'image source type "podman" is in the list but not in the scan result schema',
      'image source type "dir" is in the scan result schema but not in the list',
      'image source "podman" is written "containers-storage:<name>", not with its prefix',
      'the help text does not show "oci:<folder>"',
      'the help text does not show "containers-storage:<name>"',
    ]);
  });
});
