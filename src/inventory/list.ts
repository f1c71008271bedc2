/**
 * The one list of analyzers. Adding a package source: a folder under src/inventory/ and one line here.
 */
import type { InventoryAnalyzer } from './analyzer.js';
import { composerAnalyzer } from './composer/index.js';
import { apkAnalyzer } from './apk/index.js';
import { cargoLockAnalyzer } from './cargo-lock/index.js';
import { dpkgAnalyzer } from './dpkg/index.js';
import { gemAnalyzer } from './gem/index.js';
import { goBinaryAnalyzer } from './go-binary/index.js';
import { goModAnalyzer } from './go-mod/index.js';
import { javaAnalyzer } from './java/index.js';
import { npmAnalyzer } from './npm/index.js';
import { nugetAnalyzer } from './nuget/index.js';
import { osReleaseAnalyzer } from './os-release/index.js';
import { pythonAnalyzer } from './python/index.js';
import { rpmAnalyzer } from './rpm/index.js';
import { rustBinaryAnalyzer } from './rust-binary/index.js';

export const ANALYZERS: readonly InventoryAnalyzer[] = [osReleaseAnalyzer, dpkgAnalyzer, apkAnalyzer, npmAnalyzer, pythonAnalyzer, rpmAnalyzer, javaAnalyzer, goBinaryAnalyzer, goModAnalyzer, cargoLockAnalyzer, rustBinaryAnalyzer, gemAnalyzer, composerAnalyzer, nugetAnalyzer];
