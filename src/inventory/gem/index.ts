/**
 * Ruby gems: installed specifications under any `specifications/` folder — RubyGems' and
 * Bundler's install folders (`/usr/local/lib/ruby/gems/*`, `/usr/local/bundle`, `vendor/bundle/ruby/*`,
 * `/var/lib/gems/*`), Ruby's default gems (`specifications/default/`) and Debian's
 * rubygems-integration folders (`/usr/share/rubygems-integration/*`, `/usr/lib/<triplet>/rubygems-integration/*`)
 * — and the gems a `Gemfile.lock` pins (also `gems.locked`, Bundler's other name for it).
 * Specifications are Ruby code and are never executed: see gemspec.ts.
 */
import path from 'node:path';
import type { Analyzer } from '../analyzer.js';
import { parseGemfileLock } from './gemfile-lock.js';
import { parseGemspec } from './gemspec.js';

/**
 * An installed gem's own folder (`gems/rbs-2.1.0/`, Bundler's `bundler/gems/rails-0123abcd/`):
 * a Gemfile.lock there locks the gem's development tools, not anything installed.
 */
const INSIDE_INSTALLED_GEM = /\/gems\/[A-Za-z0-9._-]+-\d[^/]*\/|\/bundler\/gems\/[^/]+\//;

export const gemAnalyzer: Analyzer = {
  id: 'gem',
  version: 1,
  patterns: ['**/specifications/*.gemspec', '**/specifications/default/*.gemspec', '**/Gemfile.lock', '**/gems.locked'],
  // Real specifications are a few KiB and lock files a few hundred; these bounds leave room for any honest one.
  maxFileSize: 32 * 1024 * 1024,
  analyze({ path: location, content }) {
    const base = path.posix.basename(location);
    const text = content.toString('utf8');
    if (base !== 'Gemfile.lock' && base !== 'gems.locked') return parseGemspec(text, location);
    return INSIDE_INSTALLED_GEM.test(location) ? {} : parseGemfileLock(text, location);
  },
};
