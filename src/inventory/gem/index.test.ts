import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseGemfileLock } from './gemfile-lock.js';
import { parseGemspec, rubyStringLiteral } from './gemspec.js';
import { gemAnalyzer } from './index.js';

const testdata = (name: string): string => readFileSync(new URL(`testdata/${name}`, import.meta.url), 'utf8');
const analyze = (path: string, text: string) => gemAnalyzer.analyze({ path, content: Buffer.from(text) });

describe('installed gem specifications', () => {
  it("reads Debian's rubygems-integration specification of ruby-rack", () => {
    expect(analyze('/usr/share/rubygems-integration/all/specifications/rack-2.2.22.gemspec', testdata('rack-2.2.22.gemspec'))).toEqual({
      packages: [{ type: 'gem', name: 'rack', version: '2.2.22', location: '/usr/share/rubygems-integration/all/specifications/rack-2.2.22.gemspec', licenses: ['MIT'] }],
    });
  });

  it("reads Ruby's default gem and an installed gem as RubyGems wrote them", () => {
    expect(analyze('/usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec', testdata('json-2.6.1.gemspec')).packages?.map((p) => [p.name, p.version, p.licenses])).toEqual([['json', '2.6.1', ['Ruby']]]);
    expect(analyze('/usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.6.gemspec', testdata('rake-13.0.6.gemspec')).packages?.map((p) => [p.name, p.version])).toEqual([['rake', '13.0.6']]);
  });

  it('reads any block variable, single quotes, %q strings, Gem::Version.new and a platform', () => {
    const text = ["Gem::Specification.new do |spec|", "  spec.name = %q<nokogiri>", "  spec.version = Gem::Version.new('1.15.4')", '  spec.platform = "x86_64-linux".freeze', "  spec.license = 'MIT'", 'end'].join('\n');
    expect(parseGemspec(text, '/x.gemspec')).toEqual({ packages: [{ type: 'gem', name: 'nokogiri', version: '1.15.4', location: '/x.gemspec', architecture: 'x86_64-linux', licenses: ['MIT'] }] });
  });

  it('falls back to the stub header when the values are computed', () => {
    const text = ['# -*- encoding: utf-8 -*-', '# stub: sinatra 3.0.6 ruby lib', '', 'Gem::Specification.new do |s|', '  s.name = NAME', '  s.version = Sinatra::VERSION', 'end'].join('\n');
    expect(parseGemspec(text, '/s.gemspec').packages?.map((p) => [p.name, p.version])).toEqual([['sinatra', '3.0.6']]);
  });

  it('never runs Ruby code: interpolation, backticks, constants and system calls are not values', () => {
    const tricks = [
      'Gem::Specification.new do |s|\n  s.name = "#{`id`}"\n  s.version = "1.0"\nend',
      'Gem::Specification.new do |s|\n  s.name = `touch /tmp/pwned`\n  s.version = "1.0"\nend',
      'Gem::Specification.new do |s|\n  s.name = File.read("/etc/passwd")\n  s.version = "1.0"\nend',
      'system("rm -rf /")\nGem::Specification.new do |s|\n  s.name = Foo::NAME\n  s.version = "#@v"\nend',
      's.name = "rack"\ns.version = "1.0"',
    ];
    for (const text of tricks) {
      const result = parseGemspec(text, '/t.gemspec');
      expect(result.packages, text).toBeUndefined();
      expect(result.warnings?.[0], text).toMatch(/skipped/);
    }
  });

  it('refuses names and versions RubyGems would refuse', () => {
    expect(parseGemspec('Gem::Specification.new do |s|\n s.name = "../../etc"\n s.version = "1.0"\nend', '/x').warnings?.[0]).toMatch(/not a valid gem name/);
    expect(parseGemspec('Gem::Specification.new do |s|\n s.name = "ok"\n s.version = "1.0 beta"\nend', '/x').warnings?.[0]).toMatch(/not a gem version/);
  });

  it('reads string literals and nothing else', () => {
    expect(rubyStringLiteral('"a\\"b".freeze')).toBe('a"b');
    expect(rubyStringLiteral('%q{x}')).toBe('x');
    expect(rubyStringLiteral('"#{x}"')).toBeUndefined();
    expect(rubyStringLiteral('NAME')).toBeUndefined();
  });

  it('never throws and stays bounded on arbitrary and hostile text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (tail) => {
        const result = parseGemspec(`Gem::Specification.new do |s|\n  s.name = ${tail}\n  s.version = ${tail}\n`, '/x');
        expect(result.packages?.length ?? 0).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
    const huge = `Gem::Specification.new do |s|\n  s.name = "${'a'.repeat(8 * 1024 * 1024)}"\n  s.version = "1.0"\n  s.description = "${'"'.repeat(100_000)}#{'x'.repeat(100_000)}"\n`;
    expect(parseGemspec(huge, '/x').warnings?.[0]).toMatch(/skipped/);
    expect(parseGemspec('\u0000\u0001garbage', '/x').warnings?.[0]).toMatch(/not a gem specification/);
  });
});

describe('Gemfile.lock', () => {
  it('lists the specs of every source section from a lock file Bundler wrote, and nothing from DEPENDENCIES or PLATFORMS', () => {
    expect(analyze('/app/Gemfile.lock', testdata('Gemfile.lock')).packages?.map((p) => `${p.name}@${p.version}`)).toEqual([
      'mylib@0.3.1',
      'mustermann@3.0.0',
      'rack@2.2.22',
      'rake@13.0.6',
      'ruby2_keywords@0.0.5',
      'tilt@2.0.11',
    ]);
  });

  it('reads GIT sections and platform-specific gems, once per name, version and platform', () => {
    const lock = [
      'GIT',
      '  remote: https://github.com/rails/rails.git',
      '  revision: 0123456789abcdef',
      '  branch: main',
      '  specs:',
      '    rails (7.1.0.alpha)',
      '      actioncable (= 7.1.0.alpha)',
      '',
      'GEM',
      '  remote: https://rubygems.org/',
      '  specs:',
      '    nokogiri (1.15.4-x86_64-linux)',
      '      racc (~> 1.4)',
      '    nokogiri (1.15.4-java)',
      '    nokogiri (1.15.4-x86_64-linux)',
      '    racc (1.7.1)',
      '',
      'PLATFORMS',
      '  java',
      '  x86_64-linux',
    ].join('\r\n');
    expect(parseGemfileLock(lock, '/Gemfile.lock').packages?.map((p) => [p.name, p.version, p.architecture])).toEqual([
      ['rails', '7.1.0.alpha', undefined],
      ['nokogiri', '1.15.4', 'x86_64-linux'],
      ['nokogiri', '1.15.4', 'java'],
      ['racc', '1.7.1', undefined],
    ]);
  });

  it('warns about malformed spec lines and keeps the rest', () => {
    const result = parseGemfileLock('GEM\n  specs:\n    good (1.0)\n    bad line here\n    ../x (1.0)\n    v (not a version!)\n', '/Gemfile.lock');
    expect(result.packages?.map((p) => p.name)).toEqual(['good']);
    expect(result.warnings).toHaveLength(3);
  });

  it('is not fooled by a file that is not a lock file, and never throws on arbitrary text', () => {
    expect(parseGemfileLock('    rack (1.0)\n', '/Gemfile.lock').warnings).toEqual(['not a Gemfile.lock (no sections); skipped']);
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom('GEM', '  specs:', '    a (1.0)', '    b (2-x)', '      c (>= 1)', 'PATH', ''), fc.string({ maxLength: 40 })), { maxLength: 40 }), (lines) => {
        const result = parseGemfileLock(lines.join('\n'), '/Gemfile.lock');
        expect((result.warnings?.length ?? 0)).toBeLessThanOrEqual(21);
      }),
      { numRuns: 300 },
    );
  });

  it('reads a large lock file in one pass with a bounded number of warnings, and refuses one listing more gems than any honest one', () => {
    const lock = (count: number): string => {
      const lines = ['GEM', '  remote: https://rubygems.org/', '  specs:'];
      for (let i = 0; i < count; i += 1) lines.push(`    gem${i} (1.${i}.0)`, `      dep${i} (>= 0)`, '    ???');
      return lines.join('\n');
    };
    const result = parseGemfileLock(lock(50_000), '/Gemfile.lock');
    expect(result.packages).toHaveLength(50_000);
    expect(result.warnings).toHaveLength(21);
    expect(() => parseGemfileLock(lock(50_001), '/Gemfile.lock')).toThrow(/more than 50,000 gem specs in one file/);
  });
});

describe('which lock files count', () => {
  it("leaves out the lock files gems ship for their own development, and keeps the application's", () => {
    const lock = 'GEM\n  specs:\n    rack (2.2.3)\n';
    for (const location of ['/usr/lib/ruby/gems/3.1.0/gems/rbs-2.1.0/steep/Gemfile.lock', '/app/vendor/bundle/ruby/3.1.0/bundler/gems/rails-0123abcd4567/Gemfile.lock', '/usr/local/bundle/gems/typeprof-0.21.2/Gemfile.lock']) {
      expect(analyze(location, lock), location).toEqual({});
    }
    for (const location of ['/app/Gemfile.lock', '/srv/gems/web/Gemfile.lock', '/home/app/gems.locked']) {
      expect(analyze(location, lock).packages?.map((p) => p.name), location).toEqual(['rack']);
    }
  });
});
