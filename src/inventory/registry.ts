/**
 * The one list of analyzers. Adding a package source: a folder under src/inventory/ and one line here.
 */
import type { Analyzer } from './analyzer.js';

export const ANALYZERS: readonly Analyzer[] = [];
