/** A throwaway root filesystem of a few files, for unit tests of compliance checks and parsers. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FilesystemTarget } from '../../src/compliance/targets/filesystem-target.js';

export interface TempRoot {
  dir: string;
  target: FilesystemTarget;
  write(file: string, content: string | Buffer): Promise<void>;
  remove(): Promise<void>;
}

export async function tempRoot(files: Record<string, string> = {}): Promise<TempRoot> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-root-'));
  const write = async (file: string, content: string | Buffer): Promise<void> => {
    const onDisk = path.join(dir, file);
    await mkdir(path.dirname(onDisk), { recursive: true });
    await writeFile(onDisk, content);
  };
  for (const [file, content] of Object.entries(files)) await write(file, content);
  return { dir, target: new FilesystemTarget('dir', `dir:${dir}`, dir, false), write, remove: () => rm(dir, { recursive: true, force: true }) };
}
