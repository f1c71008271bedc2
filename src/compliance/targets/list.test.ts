import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../errors.js';
import { buildProgram } from '../../cli/program.js';
import { TARGET_KINDS } from './list.js';
import { openTarget } from './open-target.js';

const folder = import.meta.dirname;

/** A specification written the way the syntax shows it: placeholders filled, optional parts left out. */
const exampleOf = (syntax: string): string => syntax.replace(/\[[^\]]*\]/g, '').replace(/<[^>]*>/g, 'x');

describe('the list of compliance target kinds', () => {
  it('opens every target module of this folder', async () => {
    const list = await readFile(path.join(folder, 'list.ts'), 'utf8');
    const modules: string[] = [];
    for (const name of await readdir(folder)) {
      if (!name.endsWith('.ts') || name.endsWith('.test.ts')) continue;
      if (/\bimplements Target\b/.test(await readFile(path.join(folder, name), 'utf8'))) modules.push(name);
    }
    // The detection itself must find the modules known today.
    expect(modules).toEqual(expect.arrayContaining(['filesystem-target.ts', 'image-target.ts', 'ssh-target.ts']));
    for (const module of modules) expect(list, `${module} implements Target but list.ts never loads it`).toContain(`'./${module.replace(/\.ts$/, '.js')}'`);
  });

  it('gives each kind a syntax that it alone matches', () => {
    for (const entry of TARGET_KINDS) {
      const example = exampleOf(entry.syntax);
      expect(TARGET_KINDS.filter((candidate) => candidate.matches(example)).map((candidate) => candidate.kind), example).toEqual([entry.kind]);
    }
  });

  it('names every kind in the usage error for an unknown target', async () => {
    const error = await openTarget('ftp://x').catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe('unknown target "ftp://x": use local, dir:<path>, ssh://user@host[:port] or image:<ref>');
    for (const entry of TARGET_KINDS) expect((error as Error).message).toContain(entry.syntax);
  });

  it('names every kind, with what it is, in compliance scan --help', () => {
    const scan = buildProgram().commands.find((command) => command.name() === 'compliance')?.commands.find((command) => command.name() === 'scan');
    const help = (scan?.helpInformation() ?? '').replace(/\s+/g, ' ');
    for (const entry of TARGET_KINDS) expect(help).toContain(`${entry.syntax} (${entry.description})`);
  });
});
