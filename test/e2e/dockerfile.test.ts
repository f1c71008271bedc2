/**
 * The container image definition (Dockerfile at the root). Building it needs the official Node.js
 * base images from Docker Hub, which the tests cannot reach, so it is linted instead: every rule of
 * dockerfile-utils (the Dockerfile language service's validator) as an error, a broken Dockerfile
 * shown to fail the same check, and the facts the README promises checked: Debian 12 slim with
 * Node 22 at run time, the package installed the way `npm install -g` installs it (the path the
 * npm distribution test proves), `tollgate` as the entry point, and no source tree, dependencies
 * or build output from the host copied in.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { validate, ValidationSeverity, type ValidatorSettings } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/fixture-cache.js';

const ALL_ERRORS: ValidatorSettings = {
  deprecatedMaintainer: ValidationSeverity.ERROR,
  directiveCasing: ValidationSeverity.ERROR,
  emptyContinuationLine: ValidationSeverity.ERROR,
  instructionCasing: ValidationSeverity.ERROR,
  instructionCmdMultiple: ValidationSeverity.ERROR,
  instructionEntrypointMultiple: ValidationSeverity.ERROR,
  instructionHealthcheckMultiple: ValidationSeverity.ERROR,
  instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
  instructionWorkdirRelative: ValidationSeverity.ERROR,
};

const dockerfile = readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8');

/** The instructions of the last stage (the image users run). */
function finalStage(text: string): string[] {
  const instructions = text.split('\n').filter((line) => /^[A-Z]+\s/.test(line));
  const lastFrom = instructions.map((line) => line.startsWith('FROM ')).lastIndexOf(true);
  return instructions.slice(lastFrom);
}

describe('the Dockerfile', () => {
  it('passes every dockerfile-utils rule, which a broken Dockerfile fails', () => {
    expect(validate(dockerfile, ALL_ERRORS)).toEqual([]);
    expect(validate("FROM\nRUNN make\nENTRYPOINT ['tollgate']\nWORKDIR work\n", ALL_ERRORS).map((problem) => problem.message)).toHaveLength(4);
  });

  it('runs tollgate on Debian 12 slim with Node 22, installed as npm install -g installs the packed package', () => {
    const final = finalStage(dockerfile);
    expect(final[0]).toBe('FROM node:22-bookworm-slim');
    expect(final).toContain('ENTRYPOINT ["tollgate"]');
    expect(dockerfile).toMatch(/npm pack --pack-destination \/tmp \\\n && npm install -g --no-audit --no-fund \/tmp\/tollgate-\*\.tgz/);
    // Only the installed package reaches the final image: no compilers, sources or npm cache.
    expect(final.filter((line) => line.startsWith('COPY'))).toEqual(['COPY --from=build /usr/local/lib/node_modules/tollgate /usr/local/lib/node_modules/tollgate']);
  });

  it('copies no host dependencies or build output into the build', () => {
    const ignored = readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.cache', '.git']));
  });
});
