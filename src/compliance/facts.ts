/**
 * Facts about a target that many checks share (its OS, accounts, groups, installed packages, the
 * mount table), each read once per scan and only when a check first asks for it. A fact that
 * cannot be read is remembered as its error, so every check needing it reports the same reason.
 *
 * The OS and the installed packages come from the inventory's own analyzers (src/inventory/list.ts),
 * run over the target's filesystem view: compliance knows no package database path of its own.
 */
import { analyzeView, systemAnalyzers } from '../inventory/analyze-view.js';
import { resolveOs } from '../inventory/os-release/resolve.js';
import type { OsInfo, PackageRecord } from '../model/package.js';
import { readLinesIfPresent, readText, type NumberedLine } from './config/text-files.js';
import type { Target } from './targets/target.js';

export interface Account {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
  file: string;
  line: number;
}

export interface ShadowEntry {
  name: string;
  /** The hash field; never copied into results, only its shape (empty, locked) is reported. */
  hash: string;
  file: string;
  line: number;
}

export interface InstalledPackages {
  /** Which database answered: the id of its analyzer (dpkg, apk), or rpm; undefined when the target has none. */
  manager?: string;
  packages: PackageRecord[];
}

const SYSTEM_ANALYZERS = systemAnalyzers();

export class TargetFacts {
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(readonly target: Target) {}

  /** Computes a value once per scan (a parsed configuration shared by several checks). */
  once<T>(key: string, compute: () => Promise<T>): Promise<T> {
    let value = this.memo.get(key) as Promise<T> | undefined;
    if (!value) {
      value = compute();
      this.memo.set(key, value);
    }
    return value;
  }

  /** A text file's lines, read once per scan; undefined when absent. */
  lines(file: string): Promise<NumberedLine[] | undefined> {
    return this.once(`lines:${file}`, () => readLinesIfPresent(this.target, file));
  }

  os(): Promise<OsInfo | undefined> {
    return this.once('os', async () => {
      const found: { path: string; os: OsInfo }[] = [];
      for (const file of await analyzeView(this.target, SYSTEM_ANALYZERS.os)) if (file.result.os) found.push({ path: file.path, os: file.result.os });
      return resolveOs(found);
    });
  }

  accounts(): Promise<Account[]> {
    return this.once('passwd', async () => {
      const lines = (await this.lines('/etc/passwd')) ?? [];
      return lines.flatMap((line) => {
        const fields = line.text.split(':');
        if (fields.length < 7 || line.text.startsWith('#')) return [];
        return [{ name: fields[0] as string, uid: Number(fields[2]), gid: Number(fields[3]), home: fields[5] as string, shell: fields[6] as string, file: line.file, line: line.line }];
      });
    });
  }

  groups(): Promise<Map<number, string>> {
    return this.once('group', async () => {
      const groups = new Map<number, string>();
      for (const line of (await this.lines('/etc/group')) ?? []) {
        const [name, , gid] = line.text.split(':');
        if (name && gid !== undefined && !groups.has(Number(gid))) groups.set(Number(gid), name);
      }
      return groups;
    });
  }

  async userName(uid: number): Promise<string> {
    return (await this.accounts()).find((account) => account.uid === uid)?.name ?? String(uid);
  }

  async groupName(gid: number): Promise<string> {
    return (await this.groups()).get(gid) ?? String(gid);
  }

  /** /etc/shadow, which only root can read: targets read it with their privileged path. */
  shadow(): Promise<ShadowEntry[]> {
    return this.once('shadow', async () => {
      const text = await readText(this.target, '/etc/shadow');
      return text.split(/\r?\n/).flatMap((line, index) => {
        const fields = line.split(':');
        if (fields.length < 2 || line.startsWith('#')) return [];
        return [{ name: fields[0] as string, hash: fields[1] as string, file: '/etc/shadow', line: index + 1 }];
      });
    });
  }

  /**
   * The first package database of the inventory's list present on the target, read by the
   * inventory's own analyzer on every kind of target (local, ssh, dir:, image:), never by the
   * target's package manager. A database is present when its own file exists (even empty: nothing
   * installed yet), or when files found through its globs (dpkg's distroless status.d) hold
   * packages. Where one database has several files of its own (rpm's two folders, one a link to the
   * other; an older-format file left beside the current one), the first in the analyzer's order
   * answers, as the package manager reads only one.
   */
  packages(): Promise<InstalledPackages> {
    return this.once('packages', async () => {
      for (const analyzer of SYSTEM_ANALYZERS.packageDatabases) {
        const files = await analyzeView(this.target, [analyzer]);
        const literal = files.filter((file) => file.literal);
        const answering = literal.length > 1 ? [literal[0] as (typeof literal)[number]] : files;
        const packages = answering.flatMap((file) => file.result.packages ?? []);
        if (packages.length > 0 || literal.length > 0) return { manager: analyzer.id, packages };
      }
      return { packages: [] };
    });
  }
}
