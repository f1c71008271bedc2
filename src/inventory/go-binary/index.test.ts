import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildElf, memoryFile } from '../../../test/support/elf-builder.js';
import { GO_AVAILABLE, GO_APP_MODULE, GO_APP_MODULES, ensureGoBinaries, goVersionM, type GoBinaries } from '../../../test/support/go-binaries.js';
import { analyzeGoBinary, packagesFromBuildInfo, stdlibVersion } from './index.js';
import { parseModuleInfo } from './modinfo.js';
import { isModulePath } from './module-path.js';

const SENTINEL_START = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
const SENTINEL_END = Buffer.from('f932433186182072008242104116d8f2', 'hex');
const MODULE_TEXT = 'path\texample.com/old\nmod\texample.com/old\tv1.4.0\th1:abc=\ndep\tgolang.org/x/net\tv0.0.0-20200202094626-16171245cfb2\th1:def=\n';

function framed(text: string): Buffer {
  return Buffer.concat([SENTINEL_START, Buffer.from(text), SENTINEL_END]);
}

function uvarint(value: number): Buffer {
  const bytes: number[] = [];
  while (value >= 0x80) {
    bytes.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  bytes.push(value);
  return Buffer.from(bytes);
}

function header(pointerSize: number, flags: number): Buffer {
  const bytes = Buffer.alloc(32);
  bytes.write('\xff Go buildinf:', 0, 'latin1');
  bytes[14] = pointerSize;
  bytes[15] = flags;
  return bytes;
}

/** Go 1.18+: the two strings inline after the header. */
function inlineBuildInfo(goVersion: string, moduleText: Buffer): Buffer {
  return Buffer.concat([header(8, 2), uvarint(goVersion.length), Buffer.from(goVersion), uvarint(moduleText.length), moduleText]);
}

/** Go 1.13–1.17: pointers to string headers, in the binary's byte order and pointer size. */
function pointerBuildInfo(address: number, bits: 32 | 64, littleEndian: boolean, goVersion: string, moduleText: Buffer): Buffer {
  const size = bits / 8;
  const body = Buffer.alloc(32 + 4 * size);
  header(size, littleEndian ? 0 : 1).copy(body);
  const put = (at: number, value: number): void => {
    if (size === 4 && littleEndian) body.writeUInt32LE(value, at);
    else if (size === 4) body.writeUInt32BE(value, at);
    else if (littleEndian) body.writeBigUInt64LE(BigInt(value), at);
    else body.writeBigUInt64BE(BigInt(value), at);
  };
  const versionHeader = address + 32;
  const moduleHeader = versionHeader + 2 * size;
  const versionData = address + body.length;
  const moduleData = versionData + goVersion.length;
  put(16, versionHeader);
  put(16 + size, moduleHeader);
  put(32, versionData);
  put(32 + size, goVersion.length);
  put(32 + 2 * size, moduleData);
  put(32 + 3 * size, moduleText.length);
  return Buffer.concat([body, Buffer.from(goVersion), moduleText]);
}

const names = (result: { packages?: { name: string; version: string }[] }): string[] => (result.packages ?? []).map((p) => `${p.name}@${p.version}`).sort();

describe('Go binaries built by the Go toolchain', () => {
  let built: GoBinaries;
  beforeAll(async () => {
    if (GO_AVAILABLE) built = await ensureGoBinaries();
  }, 300_000);

  it.runIf(GO_AVAILABLE)('lists what go version -m lists, for every architecture and byte order, and the stripped binary', async () => {
    expect(Object.keys(built.binaries)).toHaveLength(6);
    for (const [name, binary] of Object.entries(built.binaries)) {
      const truth = goVersionM(binary);
      const expected = truth.lines
        .flatMap((line, index) => {
          if (line[0] !== 'dep') return [];
          const next = truth.lines[index + 1];
          // Replaced by a local folder: the module the folder stands in for, at the required version.
          return [next?.[0] === '=>' && !next[1]?.startsWith('.') ? `${next[1]}@${next[2]}` : `${line[1]}@${line[2]}`];
        })
        .concat(`stdlib@${truth.goVersion.replace(/^go/, 'v')}`)
        .sort();
      const content = await readFile(binary);
      const file = memoryFile(content);
      const result = await analyzeGoBinary(file, `/usr/local/bin/${name}`);
      expect([name, names(result)]).toEqual([name, expected]);
      expect(names(result)).toEqual([...GO_APP_MODULES.map((module) => `${module.path}@${module.version}`), `stdlib@${stdlibVersion(truth.goVersion) ?? ''}`].sort());
      const arch = truth.lines.find((line) => line[0] === 'build' && line[1]?.startsWith('GOARCH='))?.[1]?.slice('GOARCH='.length);
      expect(new Set(result.packages?.map((p) => [p.type, p.architecture, p.location].join(' ')))).toEqual(new Set([`golang ${arch} /usr/local/bin/${name}`]));
      expect(result.warnings).toBeUndefined();
      // The headers and the build information, never the whole binary.
      expect(file.bytesRead).toBeLessThan(Math.min(200_000, content.length / 4));
    }
  });

  it.runIf(GO_AVAILABLE)('finds the build information through the data segment when the section headers are gone', async () => {
    const content = Buffer.from(await readFile(built.binaries['app-amd64'] as string));
    content.writeBigUInt64LE(0n, 40); // e_shoff
    content.writeUInt16LE(0, 60); // e_shnum
    content.writeUInt16LE(0, 62); // e_shstrndx
    const result = await analyzeGoBinary(memoryFile(content), '/app');
    expect(names(result)).toContain('golang.org/x/text@v0.3.6');
    expect(names(result)).toContain('stdlib@v1.19.8');
  });

  it.runIf(GO_AVAILABLE)('never throws on a truncated or corrupted binary: a warning or nothing', async () => {
    const content = await readFile(built.binaries['app-386'] as string);
    const buildInfoAt = content.indexOf(Buffer.from('\xff Go buildinf:', 'latin1'));
    expect(buildInfoAt).toBeGreaterThan(0);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: content.length }), async (length) => {
        const result = await analyzeGoBinary(memoryFile(content.subarray(0, length)), '/app');
        expect(Array.isArray(result.packages ?? [])).toBe(true);
      }),
      { numRuns: 60 },
    );
    // Bytes flipped in the ELF header, the header tables and the build information.
    const hotSpots = [0, 52, content.readUInt32LE(32), buildInfoAt];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...hotSpots), fc.nat(300), fc.integer({ min: 0, max: 255 }), async (base, delta, value) => {
        const copy = Buffer.from(content);
        if (base + delta < copy.length) copy[base + delta] = value;
        await analyzeGoBinary(memoryFile(copy), '/app');
      }),
      { numRuns: 300 },
    );
  });
});

describe('the build information in every layout', () => {
  it.each([
    [64, true],
    [64, false],
    [32, true],
    [32, false],
  ] as const)('reads the pre-1.18 pointer layout, %d-bit, little-endian %s', async (bits, littleEndian) => {
    const address = 0x400000;
    const data = pointerBuildInfo(address, bits, littleEndian, 'go1.16.15', framed(MODULE_TEXT));
    const elf = buildElf({ bits, littleEndian, sections: [{ name: '.go.buildinfo', data, address, segmentFlags: 6 }] });
    const result = await analyzeGoBinary(memoryFile(elf), '/bin/old');
    expect(names(result)).toEqual(['example.com/old@v1.4.0', 'golang.org/x/net@v0.0.0-20200202094626-16171245cfb2', 'stdlib@v1.16.15']);
  });

  it.each([
    [64, true],
    [32, false],
  ] as const)('reads the inline layout from the data segment when there are no section headers, %d-bit', async (bits, littleEndian) => {
    const data = Buffer.concat([Buffer.alloc(48), inlineBuildInfo('go1.22rc1', framed(MODULE_TEXT))]);
    const elf = buildElf({ bits, littleEndian, withoutSectionHeaders: true, sections: [{ name: '.text', data: Buffer.alloc(64), address: 0x1000, segmentFlags: 5 }, { name: '.data', data, address: 0x2000, segmentFlags: 6 }] });
    const result = await analyzeGoBinary(memoryFile(elf), '/bin/new');
    expect(names(result)).toContain('stdlib@v1.22.0-rc.1');
    expect(names(result)).toContain('example.com/old@v1.4.0');
  });

  it('is silent about an ELF file that is no Go binary, and about one built outside module mode', async () => {
    expect(await analyzeGoBinary(memoryFile(buildElf({ sections: [{ name: '.data', data: Buffer.alloc(256), address: 0x1000, segmentFlags: 6 }] })), '/bin/c')).toEqual({});
    const noModules = buildElf({ sections: [{ name: '.go.buildinfo', data: inlineBuildInfo('go1.21.0', Buffer.alloc(0)), address: 0x1000, segmentFlags: 6 }] });
    expect(names(await analyzeGoBinary(memoryFile(noModules), '/bin/gopath'))).toEqual(['stdlib@v1.21.0']);
  });

  it.each([
    ['a string length that overflows', Buffer.concat([header(8, 2), Buffer.alloc(10, 0xff), Buffer.from([1])])],
    ['a varint longer than 10 bytes', Buffer.concat([header(8, 2), Buffer.alloc(12, 0x80)])],
    ['a module text claiming 4 GiB', Buffer.concat([header(8, 2), uvarint(8), Buffer.from('go1.21.0'), uvarint(2 ** 32)])],
    ['a module text running past its section', Buffer.concat([header(8, 2), uvarint(8), Buffer.from('go1.21.0'), uvarint(5000), Buffer.alloc(10)])],
    ['a pointer layout pointing nowhere', Buffer.concat([header(8, 0), Buffer.from('ffffffffffffff7f0000000000001000', 'hex')])],
    ['a pointer size of 3', header(3, 0)],
  ])('warns, never throws or allocates, on %s', async (_, data) => {
    const elf = buildElf({ sections: [{ name: '.go.buildinfo', data: Buffer.concat([data, Buffer.alloc(64)]), address: 0x1000, segmentFlags: 6 }] });
    const result = await analyzeGoBinary(memoryFile(elf), '/bin/bad');
    expect(result.packages).toBeUndefined();
    expect(result.warnings?.[0]).toMatch(/^Go build information unreadable: /);
  });

  it.each([
    ['a section table past the end of the file', (elf: Buffer) => elf.writeBigUInt64LE(BigInt(elf.length + 4096), 40)],
    ['2^17+ sections', (elf: Buffer) => elf.writeUInt16LE(0, 60)],
    ['an entry size too small', (elf: Buffer) => elf.writeUInt16LE(8, 58)],
    ['a program header table past the end', (elf: Buffer) => elf.writeBigUInt64LE(2n ** 62n, 32)],
  ])('warns about an ELF file with %s', async (_, lie) => {
    const elf = buildElf({ sections: [{ name: '.go.buildinfo', data: inlineBuildInfo('go1.21.0', framed(MODULE_TEXT)), address: 0x1000, segmentFlags: 6 }] });
    lie(elf);
    if (_ === '2^17+ sections') {
      // Extended numbering: the count comes from section header 0's sh_size.
      elf.writeBigUInt64LE(1n << 20n, elf.readUInt32LE(40) + 32);
    }
    const result = await analyzeGoBinary(memoryFile(elf), '/bin/liar');
    expect(result.packages).toBeUndefined();
    expect(result.warnings?.[0]).toMatch(/^not a readable ELF file: /);
  });
});

describe('the module information text', () => {
  it('takes a replacement by another module as that module, and one by a folder as the module it replaces', () => {
    const text = [
      `path\t${GO_APP_MODULE}`,
      `mod\t${GO_APP_MODULE}\tv1.0.0\th1:x=`,
      'dep\tgithub.com/old/lib\tv1.2.0\th1:a=',
      '=>\tgithub.com/fork/lib\tv1.2.1-fork\th1:b=',
      'dep\tgolang.org/x/text\tv0.3.6',
      '=>\t../text\t(devel)\t',
      'dep\tgithub.com/gone/lib\tv0.1.0',
      '=>\t/abs/lib\t\t',
      'build\t-ldflags="-X main.token=secret"',
      'build\tGOARCH=arm64',
      '',
    ].join('\n');
    const result = packagesFromBuildInfo('go1.21.5 X:boringcrypto', text, '/app');
    expect(names(result)).toEqual(['example.com/app@v1.0.0', 'github.com/fork/lib@v1.2.1-fork', 'github.com/gone/lib@v0.1.0', 'golang.org/x/text@v0.3.6', 'stdlib@v1.21.5']);
    expect(result.packages?.every((p) => p.architecture === 'arm64')).toBe(true);
    expect(JSON.stringify(result)).not.toContain('secret');
  });

  it('reads quoted build settings as Go writes them', () => {
    const info = parseModuleInfo('build\t"key with space"="value\\twith tab"\nbuild\tvcs.revision=abc\nbuild\t`raw`=`v`\n');
    expect([...info.settings]).toEqual([
      ['key with space', 'value\twith tab'],
      ['vcs.revision', 'abc'],
      ['raw', 'v'],
    ]);
    expect(info.warnings).toEqual([]);
  });

  it('skips malformed lines with a bounded list of warnings', () => {
    const info = parseModuleInfo(['dep\tonly-path', '=>\tno\tmodule\tbefore', 'build\t=x', 'build\t"unterminated=1', 'weird\tline', ...Array.from({ length: 100 }, () => 'dep')].join('\n'));
    expect(info.deps).toEqual([]);
    expect(info.warnings).toHaveLength(20);
    expect(info.warnings[0]).toMatch(/line 1: a dep line without a module path and version; skipped/);
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom('path', 'mod', 'dep', '=>', 'build', '\t', '\n', '=', '"', '`', 'v1.0.0', '(devel)', '../x'), fc.string({ maxLength: 8 })), { maxLength: 60 }), (parts) => {
        const result = packagesFromBuildInfo('go1.20', parts.join(''), '/x');
        for (const pkg of result.packages ?? []) expect(pkg.version).not.toBe('');
      }),
    );
  });

  it('lists only module paths Go would accept', () => {
    expect(['stdlib', 'gopkg.in/yaml.v2', 'github.com/Azure/go-autorest/autorest', 'example.com/a_b~c+d'].every(isModulePath)).toBe(true);
    expect(['', '/abs', 'a//b', 'a/.b', 'a b', 'a\tb', 'x/y.', '💥', 'a'.repeat(1025)].some(isModulePath)).toBe(false);
    const result = packagesFromBuildInfo('go1.21.0', 'dep\tbad path\tv1.0.0\ndep\tgood/path\tnot-a-version\ndep\tgood/path\tv1.0.0\n', '/x');
    expect(names(result)).toEqual(['good/path@v1.0.0', 'stdlib@v1.21.0']);
    expect(result.warnings).toHaveLength(2);
  });

  it.each([
    ['go1.21.5', 'v1.21.5'],
    ['go1.20', 'v1.20.0'],
    ['go1.22rc1', 'v1.22.0-rc.1'],
    ['go1.9beta2', 'v1.9.0-beta.2'],
    ['go1.21.5 X:boringcrypto', 'v1.21.5'],
    ['devel go1.23-abcdef', undefined],
    ['go1.21.5abc', undefined],
  ])('the toolchain %s is stdlib %s', (goVersion, expected) => expect(stdlibVersion(goVersion)).toBe(expected));
});
