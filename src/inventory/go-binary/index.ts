/**
 * Go modules compiled into Go binaries, read from the build information the Go linker embeds
 * (buildinfo.ts, modinfo.ts) without executing anything: the main module when it has a version,
 * every `dep` (its `=>` replacement when that is another module), and the toolchain as the `stdlib`
 * package, which Go's advisories name so.
 *
 * Chooses executable ELF files by magic bytes, whatever their name; reads the ELF headers and the
 * build information's section or segment by position, never the whole binary.
 */
import type { PackageRecord } from '../../model/package.js';
import type { AnalyzerResult, SeekableFileAnalyzer, SeekableFile } from '../analyzer.js';
import { schemeForPackageType } from '../../ecosystems/list.js';
import { ElfFormatError, readElf } from '../elf.js';
import { executableFileRule } from '../executable-rule.js';
import { MAGIC } from '../magic.js';
import { GoBuildInfoError, readGoBuildInfo } from './buildinfo.js';
import { isModulePath } from './module-path.js';
import { parseModuleInfo, type GoModule } from './modinfo.js';

/**
 * The toolchain version as a Go module version: `go1.21.5` → `v1.21.5`, `go1.20` → `v1.20.0`,
 * `go1.22rc1` → `v1.22.0-rc.1`, the form Go's vulnerability database compares the standard library
 * by. Experiments after a space (`go1.21.5 X:boringcrypto`) are dropped; a development toolchain
 * (`devel go1.23-abc`) has no release version and gives undefined.
 */
export function stdlibVersion(goVersion: string): string | undefined {
  const match = /^go(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:(beta|rc)(\d+))?(?:\s|$)/.exec(goVersion);
  if (!match) return undefined;
  const [, major, minor = '0', patch = '0', pre, number] = match;
  return `v${major}.${minor}.${patch}${pre ? `-${pre}.${number}` : ''}`;
}

/** A replacement by a folder (`../text`, `./vendor/x`, `/src/x`) rather than by another module. */
function isDirectoryPath(path: string): boolean {
  return path.startsWith('./') || path.startsWith('../') || path.startsWith('/') || path === '.' || path === '..' || path.startsWith('.\\') || path.startsWith('..\\') || /^[A-Za-z]:[\\/]/.test(path);
}

/**
 * The module whose code the binary holds: a replacement by another module is that module; a
 * replacement by a local folder is taken as a copy of the module it replaces, at the version the
 * build required (a folder has no version of its own).
 */
function effectiveModule(module: GoModule): { path: string; version: string } {
  const replace = module.replace;
  if (replace && !isDirectoryPath(replace.path) && replace.version !== '') return { path: replace.path, version: replace.version };
  return { path: module.path, version: module.version };
}

const MAX_WARNINGS = 40;

export function packagesFromBuildInfo(goVersion: string, moduleText: string, location: string): AnalyzerResult {
  const info = parseModuleInfo(moduleText);
  const warnings = [...info.warnings];
  const architecture = info.settings.get('GOARCH');
  const record = (name: string, version: string): PackageRecord => ({ type: 'golang', name, version, location, ...(architecture ? { architecture } : {}) });
  const scheme = schemeForPackageType('golang');
  const packages: PackageRecord[] = [];
  const listable = (module: { path: string; version: string }): boolean => {
    if (isModulePath(module.path) && scheme.isValid(module.version)) return true;
    if (warnings.length < MAX_WARNINGS) warnings.push(`${JSON.stringify(module.path.slice(0, 80))} at ${JSON.stringify(module.version.slice(0, 40))} is not a module path and version; skipped`);
    return false;
  };
  // The main module of a build from a tree without version control is `(devel)`: nothing to match.
  if (info.main && effectiveModule(info.main).version !== '(devel)') {
    const main = effectiveModule(info.main);
    if (listable(main)) packages.push(record(main.path, main.version));
  }
  for (const dep of info.deps) {
    const module = effectiveModule(dep);
    if (listable(module)) packages.push(record(module.path, module.version));
  }
  const stdlib = stdlibVersion(goVersion);
  if (stdlib) packages.push(record('stdlib', stdlib));
  else warnings.push(`built by ${JSON.stringify(goVersion.slice(0, 80))}, not a released Go toolchain: the standard library is not listed`);
  return { packages, ...(warnings.length ? { warnings } : {}) };
}

/** The Go packages of one ELF file; nothing when it is not a Go binary. */
export async function analyzeGoBinary(file: SeekableFile, location: string): Promise<AnalyzerResult> {
  try {
    const elf = await readElf(file);
    const raw = await readGoBuildInfo(file, elf);
    if (!raw) return {};
    return packagesFromBuildInfo(raw.goVersion, raw.moduleInfo, location);
  } catch (error) {
    // Said once per file, here: the Rust binary analyzer reads the same headers and stays silent.
    if (error instanceof ElfFormatError) return { warnings: [`not a readable ELF file: ${error.message}`] };
    if (error instanceof GoBuildInfoError) return { warnings: [`Go build information unreadable: ${error.message}`] };
    throw error;
  }
}

export const goBinaryAnalyzer: SeekableFileAnalyzer = {
  id: 'go-binary',
  version: 1,
  kind: 'seekable',
  select: { ...executableFileRule, magic: [MAGIC.elf] },
  analyzeFile: ({ path, file }) => analyzeGoBinary(file, path),
};
