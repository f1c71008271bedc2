/**
 * The one list of analyzers. Adding a package source: a folder under src/inventory/ and one line here.
 */
import type { InventoryAnalyzer } from './analyzer.js';
import { apkAnalyzer } from './apk/index.js';
import { dpkgAnalyzer } from './dpkg/index.js';
import { npmAnalyzer } from './npm/index.js';
import { osReleaseAnalyzer } from './os-release/index.js';
import { pythonAnalyzer } from './python/index.js';

export const ANALYZERS: readonly InventoryAnalyzer[] = [osReleaseAnalyzer, dpkgAnalyzer, apkAnalyzer, npmAnalyzer, pythonAnalyzer];
