/**
 * The OSV inputs `tollgate db import` accepts, read as a stream of (name, JSON text) documents:
 * a zip of records as OSV publishes them per ecosystem, a folder of `.json` files (recursive), an
 * http(s) URL of a zip or a JSON file, or a single JSON file. Zips are read entry by entry and
 * bounded: entry count, per-entry size and total size (a zip bomb is a clear error). Nothing is
 * extracted to disk.
 */

import { mkdtemp, open, opendir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import yauzl from 'yauzl';
import { HostileInputError, ScanError, UsageError, messageOf } from '../errors.js';
import { downloadToFile, type DownloadOptions } from './download.js';

export interface InputLimits {
  maxEntries: number;
  maxEntryBytes: number;
  maxTotalBytes: number;
}

export const DEFAULT_INPUT_LIMITS: InputLimits = {
  maxEntries: 2_000_000,
  maxEntryBytes: 32 * 1024 * 1024,
  maxTotalBytes: 16 * 1024 * 1024 * 1024,
};

export interface InputDocument {
  /** Where the document came from, for messages: `npm-all.zip:GHSA-xxxx.json`. */
  name: string;
  text: string;
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const EMPTY_ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x05, 0x06]);

async function fileStartsWith(file: string, magics: Buffer[]): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(4);
    await handle.read(head, 0, 4, 0);
    return magics.some((magic) => head.equals(magic));
  } finally {
    await handle.close();
  }
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: true, validateEntrySizes: true, strictFileNames: false }, (error, zip) => {
      if (error || !zip) reject(new ScanError(`${file}: not a readable zip (${messageOf(error)})`));
      else resolve(zip);
    });
  });
}

async function* readZip(file: string, limits: InputLimits): AsyncGenerator<InputDocument> {
  const zip = await openZip(file);
  const label = path.basename(file);
  let entries = 0;
  let total = 0;
  const next = (): Promise<yauzl.Entry | undefined> =>
    new Promise((resolve, reject) => {
      const onEntry = (entry: yauzl.Entry): void => {
        cleanup();
        resolve(entry);
      };
      const onEnd = (): void => {
        cleanup();
        resolve(undefined);
      };
      const onError = (error: Error): void => {
        cleanup();
        reject(new ScanError(`${label}: corrupt zip (${error.message})`));
      };
      const cleanup = (): void => {
        zip.off('entry', onEntry);
        zip.off('end', onEnd);
        zip.off('error', onError);
      };
      zip.on('entry', onEntry);
      zip.on('end', onEnd);
      zip.on('error', onError);
      zip.readEntry();
    });
  try {
    for (let entry = await next(); entry; entry = await next()) {
      if (entry.fileName.endsWith('/') || !entry.fileName.endsWith('.json')) continue;
      entries += 1;
      if (entries > limits.maxEntries) throw new HostileInputError(`${label}: more than ${limits.maxEntries} entries`);
      if (entry.uncompressedSize > limits.maxEntryBytes) throw new HostileInputError(`${label}: ${entry.fileName} inflates to ${entry.uncompressedSize} bytes, over the ${limits.maxEntryBytes}-byte limit for one record`);
      total += entry.uncompressedSize;
      if (total > limits.maxTotalBytes) throw new HostileInputError(`${label}: more than ${limits.maxTotalBytes} bytes uncompressed in all; refusing a zip bomb`);
      const compressed = entry.compressedSize || 1;
      if (entry.uncompressedSize > 1024 * 1024 && entry.uncompressedSize / compressed > 1000) throw new HostileInputError(`${label}: ${entry.fileName} inflates more than 1000:1; refusing a zip bomb`);
      const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) => zip.openReadStream(entry, (error, s) => (error || !s ? reject(new ScanError(`${label}: ${entry.fileName}: ${messageOf(error)}`)) : resolve(s))));
      const chunks: Buffer[] = [];
      let size = 0;
      try {
        for await (const chunk of stream) {
          size += (chunk as Buffer).length;
          if (size > limits.maxEntryBytes) throw new HostileInputError(`${label}: ${entry.fileName} is larger than its header says; refusing it`);
          chunks.push(chunk as Buffer);
        }
      } catch (error) {
        if (error instanceof HostileInputError) throw error;
        throw new ScanError(`${label}: ${entry.fileName}: ${messageOf(error)} (corrupt zip?)`);
      }
      yield { name: `${label}:${entry.fileName}`, text: Buffer.concat(chunks).toString('utf8') };
    }
  } finally {
    zip.close();
  }
}

async function* readFolder(folder: string, limits: InputLimits): AsyncGenerator<InputDocument> {
  const pending = [folder];
  let count = 0;
  while (pending.length > 0) {
    const current = pending.pop() as string;
    for await (const entry of await opendir(current)) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) pending.push(full);
      else if (entry.isFile() && entry.name.endsWith('.json')) {
        count += 1;
        if (count > limits.maxEntries) throw new HostileInputError(`${folder}: more than ${limits.maxEntries} files`);
        const info = await stat(full);
        if (info.size > limits.maxEntryBytes) throw new HostileInputError(`${full}: ${info.size} bytes, over the ${limits.maxEntryBytes}-byte limit for one record`);
        yield { name: path.relative(folder, full), text: await readFile(full, 'utf8') };
      }
    }
  }
}

async function* readFileInput(file: string, limits: InputLimits): AsyncGenerator<InputDocument> {
  if (await fileStartsWith(file, [ZIP_MAGIC, EMPTY_ZIP_MAGIC])) {
    yield* readZip(file, limits);
    return;
  }
  const info = await stat(file);
  if (info.size > limits.maxEntryBytes) throw new HostileInputError(`${file}: ${info.size} bytes is too large for one JSON document`);
  yield { name: path.basename(file), text: await readFile(file, 'utf8') };
}

/** Reads one input; `download` options apply to URLs. */
export async function* readInput(input: string, limits: InputLimits = DEFAULT_INPUT_LIMITS, download: DownloadOptions = {}): AsyncGenerator<InputDocument> {
  if (/^https?:\/\//i.test(input)) {
    const folder = await mkdtemp(path.join(tmpdir(), 'tollgate-download-'));
    try {
      const file = path.join(folder, path.basename(new URL(input).pathname) || 'download');
      await downloadToFile(input, file, download);
      yield* readFileInput(file, limits);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
    return;
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) throw new UsageError(`${input}: only http(s) URLs, files and folders can be imported`);
  let info;
  try {
    info = await stat(input);
  } catch {
    throw new UsageError(`${input}: no such file or folder`);
  }
  if (info.isDirectory()) yield* readFolder(input, limits);
  else yield* readFileInput(input, limits);
}

