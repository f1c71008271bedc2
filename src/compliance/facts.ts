/**
 * Facts about a target that many checks share (its OS, accounts, groups, installed packages, the
 * mount table), each read once per scan and only when a check first asks for it. A fact that
 * cannot be read is remembered as its error, so every check needing it reports the same reason.
 */
import { apkAnalyzer } from '../inventory/apk/index.js';
import { dpkgAnalyzer } from '../inventory/dpkg/index.js';
import { osReleaseAnalyzer } from '../inventory/os-release/index.js';
import { resolveOs } from '../inventory/os-release/resolve.js';
import type { Analyzer } from '../inventory/analyzer.js';
import type { OsInfo, PackageRecord } from '../model/package.js';
import { readLinesIfPresent, readText, type NumberedLine } from './config/text-files.js';
import { MAX_CHECKED_FILE_BYTES, MAX_PACKAGE_DATABASE_BYTES, TargetReadError, type Target } from './targets/target.js';

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
  /** Which database answered: dpkg, apk or rpm; undefined when the target has none. */
  manager?: 'dpkg' | 'apk' | 'rpm';
  packages: PackageRecord[];
}

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
      for (const path of ['/etc/os-release', '/usr/lib/os-release', '/etc/alpine-release', '/etc/debian_version']) {
        const content = await this.optionalBytes(path, 64 * 1024);
        if (!content) continue;
        const os = osReleaseAnalyzer.analyze({ path, content }).os;
        if (os) found.push({ path, os });
      }
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

  packages(): Promise<InstalledPackages> {
    return this.once('packages', async () => {
      const dpkg = await this.analyzeFile(dpkgAnalyzer, '/var/lib/dpkg/status');
      const distroless = (await this.target.listDir('/var/lib/dpkg/status.d')) ?? [];
      const extra: PackageRecord[] = [];
      for (const name of distroless) extra.push(...((await this.analyzeFile(dpkgAnalyzer, `/var/lib/dpkg/status.d/${name}`)) ?? []));
      if (dpkg || extra.length > 0) return { manager: 'dpkg', packages: [...(dpkg ?? []), ...extra] };
      const apk = await this.analyzeFile(apkAnalyzer, '/lib/apk/db/installed');
      if (apk) return { manager: 'apk', packages: apk };
      const rpm = await this.rpmPackages();
      if (rpm) return { manager: 'rpm', packages: rpm };
      return { packages: [] };
    });
  }

  /** rpm databases are read through `rpm` itself on live targets (its on-disk formats vary by release). */
  private async rpmPackages(): Promise<PackageRecord[] | undefined> {
    const hasDb = (await this.target.stat('/var/lib/rpm')) ?? (await this.target.stat('/usr/lib/sysimage/rpm'));
    if (!hasDb) return undefined;
    if (!this.target.run) throw new TargetReadError('/var/lib/rpm', 'failed', 'the rpm database of a root filesystem is not read yet; scan the live host (local or ssh) instead');
    const result = await this.target.run(`rpm -qa --qf '%{NAME}\\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\\t%{ARCH}\\n'`, { timeoutMs: 60_000 });
    if (result.exitCode !== 0) throw new TargetReadError('/var/lib/rpm', 'failed', `rpm -qa failed: ${result.stderr.trim().slice(0, 200)}`);
    return result.stdout.split('\n').flatMap((line) => {
      const [name, version, architecture] = line.split('\t');
      if (!name || !version) return [];
      return [{ type: 'rpm' as const, name, version: version.replace(/^0:/, ''), location: '/var/lib/rpm', ...(architecture ? { architecture } : {}) }];
    });
  }

  private async analyzeFile(analyzer: Analyzer, path: string): Promise<PackageRecord[] | undefined> {
    const content = await this.optionalBytes(path, MAX_PACKAGE_DATABASE_BYTES);
    if (!content) return undefined;
    return analyzer.analyze({ path, content }).packages ?? [];
  }

  private async optionalBytes(path: string, maxBytes = MAX_CHECKED_FILE_BYTES): Promise<Buffer | undefined> {
    try {
      return await this.target.readFile(path, maxBytes);
    } catch (error) {
      if (error instanceof TargetReadError && error.failure === 'not-found') return undefined;
      throw error;
    }
  }
}
