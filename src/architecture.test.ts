/**
 * The import rules of src/ (scripts/import-layers.cjs, enforced by dependency-cruiser in
 * `npm test`) are sound: the table of allowed imports has no cycle, names every folder of src/,
 * and the rules built from it do reject a back-flowing import and a module cycle.
 */
import { mkdtemp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const REPO = path.resolve(import.meta.dirname, '..');
const { LAYERS } = require('../scripts/import-layers.cjs') as { LAYERS: Record<string, string[]> };
const config = require('../.dependency-cruiser.cjs') as { forbidden: unknown[]; options: Record<string, unknown> };

/** A cycle in the table of allowed imports, or undefined. */
function layerCycle(layers: Readonly<Record<string, readonly string[]>>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (layer: string, trail: string[]): string[] | undefined => {
    if (state.get(layer) === 'done') return undefined;
    if (state.get(layer) === 'visiting') return [...trail.slice(trail.indexOf(layer)), layer];
    state.set(layer, 'visiting');
    for (const next of layers[layer] ?? []) {
      const cycle = visit(next, [...trail, layer]);
      if (cycle) return cycle;
    }
    state.set(layer, 'done');
    return undefined;
  };
  for (const layer of Object.keys(layers)) {
    const cycle = visit(layer, []);
    if (cycle) return cycle;
  }
  return undefined;
}

async function cruiseTree(files: Record<string, string>): Promise<ICruiseResult> {
  const root = await mkdtemp(path.join(tmpdir(), 'tollgate-imports-'));
  try {
    for (const [file, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(root, file)), { recursive: true });
      await writeFile(path.join(root, file), text);
    }
    await writeFile(path.join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }));
    const options = { ...config.options, tsConfig: { fileName: path.join(root, 'tsconfig.json') }, baseDir: root, ruleSet: { forbidden: config.forbidden }, validate: true };
    const reported = await cruise(['src'], options as never, { extensions: ['.ts', '.js'], extensionAlias: { '.js': ['.ts', '.js'] } } as never);
    return reported.output as ICruiseResult;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

describe('import rules', () => {
  it('allow no cycle between folders', () => {
    expect(layerCycle(LAYERS)).toBeUndefined();
    expect(layerCycle({ a: ['b'], b: ['c'], c: ['a'] })).toEqual(['a', 'b', 'c', 'a']);
  });

  it('name every folder of src/', async () => {
    const folders = (await readdir(path.join(REPO, 'src'), { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    const known = new Set([...Object.keys(LAYERS), 'util']);
    expect(folders.filter((folder) => !known.has(folder))).toEqual([]);
  });

  it('reject an import against the flow, a module cycle and a folder without a row', async () => {
    const result = await cruiseTree({
      'src/model/package.ts': "import type { Verdict } from '../gate/evaluate.js';\nexport type Package = { verdict?: Verdict };\n",
      'src/gate/evaluate.ts': "export type Verdict = { passed: boolean };\n",
      'src/report/a.ts': "import { b } from './b.js';\nexport const a = (): number => b() + 1;\n",
      'src/report/b.ts': "import { a } from './a.js';\nexport const b = (): number => (a ? 1 : 0);\n",
      'src/stray/x.ts': "import type { Package } from '../model/package.js';\nexport type X = Package;\n",
    });
    const violations = result.summary.violations.map((violation) => `${violation.rule.name}: ${violation.from} -> ${violation.to}`);
    expect(violations).toContain('model-imports: src/model/package.ts -> src/gate/evaluate.ts');
    expect(violations.some((line) => line.startsWith('no-cycles: src/report/'))).toBe(true);
    expect(violations).toContain('known-folders-only: src/stray/x.ts -> src/model/package.ts');
  });

  it('accept imports that follow the flow', async () => {
    const result = await cruiseTree({
      'src/gate/evaluate.ts': "import type { Package } from '../model/package.js';\nexport type Verdict = { passed: boolean; packages: Package[] };\n",
      'src/model/package.ts': 'export type Package = { name: string };\n',
    });
    expect(result.summary.violations).toEqual([]);
  });
});
