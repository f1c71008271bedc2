/**
 * The rules a Jenkins shared library lives by, checked on the library's own sources: CodeNarc
 * through npm-groovy-lint (offline, on the Java installed here) finds nothing at warning level or
 * above, with java.io access an error; no API that Jenkins' script-security sandbox forbids or that
 * breaks CPS (java.io, JsonSlurper, System, Eval, process execution, threads, @Grab) appears; every
 * step has its help text. Both checks are also run on a deliberately broken file, so they are known
 * to fail.
 */
import { execFile } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const LIBRARY = fileURLToPath(new URL('..', import.meta.url));
const REPO = path.resolve(LIBRARY, '../..');
const JAVA_HOME = path.dirname(path.dirname(realpathSync('/usr/bin/java')));
const BROKEN = path.join(LIBRARY, 'test/lint-fixtures');

async function groovyFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith('.groovy')).map((entry) => path.join(entry.parentPath, entry.name));
}

/** What the sandbox or CPS would refuse, as patterns over the source text. */
const FORBIDDEN: readonly [RegExp, string][] = [
  [/\bjava\.io\b|\bnew\s+File\s*\(|\bFileReader\b|\bFileWriter\b/, 'java.io (use readFile/writeFile/readJSON steps)'],
  [/\bJsonSlurper\b|\bJsonOutput\b/, 'groovy.json (use readJSON/writeJSON)'],
  [/\bSystem\s*\./, 'System (use env)'],
  [/\bEval\s*\.|\bevaluate\s*\(/, 'dynamic evaluation'],
  [/\.execute\s*\(|\bProcessBuilder\b|\bRuntime\b/, 'process execution (use sh)'],
  [/\bThread\b/, 'threads'],
  [/@Grab\b/, '@Grab'],
];

function forbiddenUses(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  return FORBIDDEN.filter(([pattern]) => pattern.test(code)).map(([, what]) => what);
}

/** Method names the sandbox's default whitelist allows on some receiver (`method C name ...`, `staticMethod C name ...`). */
async function whitelistedNames(): Promise<Set<string>> {
  const lines = (await readFile(path.join(LIBRARY, 'test/data/generic-whitelist'), 'utf8')).split('\n');
  return new Set(lines.map((line) => /^(?:method|staticMethod) \S+ (\S+)/.exec(line)?.[1]).filter((name): name is string => name !== undefined));
}

/** The pipeline steps the library calls through `steps.` or directly in vars/, which Jenkins, not the sandbox whitelist, provides. */
const PIPELINE_STEPS = new Set(['sh', 'readJSON', 'junit', 'recordIssues', 'issues', 'archiveArtifacts', 'error', 'unstable', 'withCredentials', 'file', 'fileExists', 'echo']);

/** Methods called on something (`x.name(`) that neither the whitelist, the library itself nor the pipeline provides. */
function unlistedCalls(text: string, allowed: Set<string>, own: Set<string>): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '').replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, "''");
  const names = [...code.matchAll(/\.\s*([A-Za-z_]\w*)\s*\(/g)].map((match) => match[1] as string);
  return [...new Set(names.filter((name) => !allowed.has(name) && !own.has(name) && !PIPELINE_STEPS.has(name)))];
}

describe('the library’s sources', () => {
  it('call only methods the script-security sandbox’s default whitelist allows (by name), their own, or pipeline steps', async () => {
    const allowed = await whitelistedNames();
    const files = [...(await groovyFiles(path.join(LIBRARY, 'vars'))), ...(await groovyFiles(path.join(LIBRARY, 'src')))];
    const sources = await Promise.all(files.map((file) => readFile(file, 'utf8')));
    const own = new Set(sources.flatMap((text) => [...text.matchAll(/^\s*(?:@NonCPS\s*)?(?:static\s+)?(?:[\w<>, ]+)\s+(\w+)\s*\([^)]*\)\s*\{/gm)].map((match) => match[1] as string)));
    expect(own).toContain('imageArguments');
    for (const [index, text] of sources.entries()) expect(unlistedCalls(text, allowed, own), files[index]).toEqual([]);
    expect(unlistedCalls("def text = 'x'.execute().text; def loader = this.class.getClassLoader()", allowed, own)).toEqual(['execute', 'getClassLoader']);
  });


  it('use no API the script-security sandbox forbids or CPS cannot run', async () => {
    const files = [...(await groovyFiles(path.join(LIBRARY, 'vars'))), ...(await groovyFiles(path.join(LIBRARY, 'src')))];
    expect(files.length).toBe(4);
    for (const file of files) expect(forbiddenUses(await readFile(file, 'utf8')), file).toEqual([]);
    expect(forbiddenUses(await readFile(path.join(BROKEN, 'ReadsFiles.groovy'), 'utf8'))).toEqual(['java.io (use readFile/writeFile/readJSON steps)']);
    expect(forbiddenUses('def verdict = new groovy.json.JsonSlurper().parseText(text)')).toEqual(['groovy.json (use readJSON/writeJSON)']);
  });

  it('give every step its help text, and every help text a step', async () => {
    const vars = await readdir(path.join(LIBRARY, 'vars'));
    const steps = vars.filter((name) => name.endsWith('.groovy')).map((name) => name.replace(/\.groovy$/, '')).sort();
    expect(steps).toEqual(['tollgateComplianceScan', 'tollgateImageScan']);
    expect(vars.filter((name) => name.endsWith('.txt')).map((name) => name.replace(/\.txt$/, '')).sort()).toEqual(steps);
  });

  it('pass CodeNarc (npm-groovy-lint, offline) with no warning, while the broken file’s java.io use is an error', async () => {
    const report = await new Promise<string>((resolve, reject) => {
      execFile(
        path.join(REPO, 'node_modules/.bin/npm-groovy-lint'),
        ['--noserver', '--output', 'json', '--failon', 'warning', '--config', path.join(LIBRARY, '.groovylintrc.json'), path.join(LIBRARY, 'vars'), path.join(LIBRARY, 'src'), BROKEN],
        { cwd: REPO, env: { ...process.env, JAVA_HOME }, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => (stdout.trim().startsWith('{') ? resolve(stdout) : reject(new Error(`npm-groovy-lint gave no report (${error?.message ?? ''}): ${stderr}`))),
      );
    });
    const files = (JSON.parse(report) as { files: Record<string, { errors: { line: number; rule: string; severity: string; msg: string }[] }> }).files;
    const serious = Object.entries(files).flatMap(([file, { errors }]) => errors.filter((e) => e.severity !== 'info').map((e) => `${path.relative(LIBRARY, file)}:${e.line} ${e.rule} ${e.msg}`));
    expect(Object.keys(files).map((file) => path.relative(LIBRARY, file)).sort()).toEqual(['src/io/tollgate/jenkins/TollgateOptions.groovy', 'src/io/tollgate/jenkins/TollgateRun.groovy', 'test/lint-fixtures/ReadsFiles.groovy', 'vars/tollgateComplianceScan.groovy', 'vars/tollgateImageScan.groovy']);
    expect(serious).toEqual(['test/lint-fixtures/ReadsFiles.groovy:9 JavaIoPackageAccess The use of java.io.File violates the Enterprise Java Bean specification']);
  }, 300_000);
});
