/**
 * The extension as Azure DevOps receives it: `tfx extension create` (tfx-cli) packages the built
 * folder into a .vsix with no warning at all, the package holds both tasks and the tab, and each
 * task.json is valid against the published task schema (testdata/tasks.schema.json) and keeps the
 * promises the tasks rely on (both Node handlers, restrictions that allow what they set).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import AjvDraft04 from 'ajv-draft-04';
import yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExtension, EXTENSION_ROOT, TASKS } from '../scripts/build.mjs';

const run = promisify(execFile);
const TFX = path.resolve(EXTENSION_ROOT, '../../node_modules/tfx-cli/_build/tfx-cli.js');

let work: string;
let built: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'tollgate-azure-package-'));
  built = await buildExtension(path.join(work, 'extension'));
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function entriesOf(zip: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(zip, { lazyEntries: true }, (error, file) => {
      if (error || !file) return reject(error ?? new Error('no zip'));
      const names: string[] = [];
      file.on('entry', (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        file.readEntry();
      });
      file.on('end', () => resolve(names));
      file.on('error', reject);
      file.readEntry();
    });
  });
}

interface TaskJson {
  name: string;
  execution: Record<string, { target: string }>;
  inputs: { name: string; type: string; groupName?: string; visibleRule?: string }[];
  groups: { name: string }[];
  outputVariables: { name: string }[];
  restrictions: { commands: { mode: string }; settableVariables: { allowed: string[] } };
}

const taskJson = (name: string): TaskJson => JSON.parse(readFileSync(path.join(EXTENSION_ROOT, 'tasks', name, 'task.json'), 'utf8')) as TaskJson;

describe('the .vsix', () => {
  it('tfx extension create packages it without a single warning', async () => {
    const vsix = path.join(work, 'tollgate.vsix');
    const { stdout, stderr } = await run(process.execPath, [TFX, 'extension', 'create', '--root', built, '--manifest-globs', 'vss-extension.json', '--output-path', vsix, '--no-prompt', '--no-color'], { env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 });
    expect(`${stdout}\n${stderr}`).not.toMatch(/warn/i);
    expect(stdout).toContain('=== Completed operation: create extension ===');
    const entries = await entriesOf(vsix);
    for (const name of Object.keys(TASKS)) expect(entries).toEqual(expect.arrayContaining([`${name}/task.json`, `${name}/index.js`, `${name}/icon.png`]));
    expect(entries).toEqual(expect.arrayContaining(['extension.vsixmanifest', 'extension.vsomanifest', 'tab/tab.html', 'tab/tab.js', 'tab/tab.css']));
  });
});

describe('the results tab', () => {
  // Its browser modules need the DOM library, which the repository's tsconfig leaves out (it would
  // type every Node module's fetch and Buffer as the browser's); they are checked here instead.
  it('typechecks with the DOM library', async () => {
    const tsc = path.resolve(EXTENSION_ROOT, '../../node_modules/typescript/bin/tsc');
    await expect(run(process.execPath, [tsc, '-p', path.join(EXTENSION_ROOT, 'tsconfig.browser.json')], { timeout: 120_000 })).resolves.toBeDefined();
  }, 120_000);
});

describe('the list of tasks', () => {
  it('agrees with the task folders and the manifest contributions', () => {
    const folders = readdirSync(path.join(EXTENSION_ROOT, 'tasks')).sort();
    expect(Object.keys(TASKS).sort()).toEqual(folders);
    const manifest = JSON.parse(readFileSync(path.join(EXTENSION_ROOT, 'vss-extension.json'), 'utf8')) as { contributions: { type: string; properties: { name?: string; supportsTasks?: string[] } }[]; files: { path: string }[] };
    const contributed = manifest.contributions.filter((c) => c.type === 'ms.vss-distributed-task.task').map((c) => c.properties.name ?? '');
    expect(contributed.sort()).toEqual(folders);
    for (const folder of folders) expect(manifest.files.map((file) => file.path)).toContain(folder);
    const tab = manifest.contributions.find((c) => c.type === 'ms.vss-build-web.build-results-tab');
    const ids = folders.map((folder) => (JSON.parse(readFileSync(path.join(EXTENSION_ROOT, 'tasks', folder, 'task.json'), 'utf8')) as { id: string }).id);
    expect(tab?.properties.supportsTasks?.sort()).toEqual(ids.sort());
  });
});

describe('task.json files', () => {
  const schema = JSON.parse(readFileSync(path.join(EXTENSION_ROOT, 'testdata', 'tasks.schema.json'), 'utf8')) as object;
  // The schema's patterns escape ':', which a regular expression with the u flag refuses.
  const validate = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false }).compile(schema);

  it.each(Object.keys(TASKS))('%s is valid against the published task schema', (name) => {
    const valid = validate(taskJson(name));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema check fails a task.json that breaks it', () => {
    expect(validate({ ...taskJson('tollgate-image-scan'), execution: { Node99: { target: 'index.js' } } })).toBe(false);
    expect(validate({ ...taskJson('tollgate-image-scan'), inputs: [{ name: 'bad name', type: 'string', label: 'x' }] })).toBe(false);
  });

  it.each(Object.keys(TASKS))('%s runs on Node20_1 and Node24, and its restrictions allow every variable it sets', (name) => {
    const task = taskJson(name);
    expect(Object.keys(task.execution).sort()).toEqual(['Node20_1', 'Node24']);
    expect(task.restrictions.commands.mode).toBe('any');
    for (const output of task.outputVariables) expect(task.restrictions.settableVariables.allowed).toContain(output.name);
    expect(task.restrictions.settableVariables.allowed).toContain('tollgate*');
    const groups = new Set(task.groups.map((group) => group.name));
    for (const input of task.inputs) expect(groups.has(input.groupName ?? '')).toBe(true);
    const names = new Set(task.inputs.map((input) => input.name));
    for (const input of task.inputs) for (const referenced of (input.visibleRule ?? '').match(/[A-Za-z]+(?=\s*[=!<>])/g) ?? []) expect(names.has(referenced)).toBe(true);
  });
});
