/** `file`: existence, type, owner, group and maximum permissions of files (globs allowed). */
import { expandGlob } from '../../config/text-files.js';
import { EvidenceBuilder, type CheckType, type SchemaFragment } from '../check-type.js';

export interface FileCheck {
  type: 'file';
  path: string;
  exists?: boolean;
  ifExists?: boolean;
  fileType?: 'file' | 'directory' | 'symlink';
  owner?: string | string[];
  group?: string | string[];
  maxMode?: string;
}

const NAMES: SchemaFragment = { oneOf: [{ type: 'string', minLength: 1 }, { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } }] };

const SCHEMA: SchemaFragment = {
  type: 'object',
  description: 'Existence, type, ownership and permissions of files.',
  required: ['type', 'path'],
  additionalProperties: false,
  properties: {
    type: { const: 'file' },
    path: { type: 'string', pattern: '^/', description: 'An absolute path; may contain * ? [..] globs in any segment.' },
    exists: { type: 'boolean', description: 'false: the path must not exist. Default true.' },
    ifExists: { type: 'boolean', description: 'An absent path passes (the remaining requirements apply only to what exists).' },
    fileType: { enum: ['file', 'directory', 'symlink'] },
    owner: NAMES,
    group: NAMES,
    maxMode: { type: 'string', pattern: '^0?[0-7]{3,4}$', description: 'No permission bit beyond these (octal).' },
  },
};

const GLOB = /[*?[]/;

function asList(value: string | string[] | undefined): string[] | undefined {
  return value === undefined ? undefined : Array.isArray(value) ? value : [value];
}

function octal(mode: number): string {
  return `0${mode.toString(8).padStart(3, '0')}`;
}

export const fileCheck: CheckType<FileCheck> = {
  id: 'file',
  schemas: { file: SCHEMA },
  async evaluate(check, { target, facts }) {
    const paths = GLOB.test(check.path) ? await expandGlob(target, check.path) : [check.path];
    const evidence = new EvidenceBuilder();
    if (check.exists === false) {
      for (const path of paths) if (await target.stat(path)) evidence.unexpected(`${path} exists`, { file: path });
      return evidence.outcome(`${check.path} does not exist`, `${check.path} exists and must not`);
    }
    const owners = asList(check.owner);
    const groups = asList(check.group);
    const maxMode = check.maxMode === undefined ? undefined : parseInt(check.maxMode, 8);
    let present = 0;
    for (const path of paths) {
      const info = await target.stat(path);
      if (!info) {
        if (!check.ifExists) evidence.missing(`${path} exists`, { file: path });
        continue;
      }
      present += 1;
      if (check.fileType && info.type !== check.fileType) evidence.unexpected(`type ${info.type}`, { file: path }).missing(`type ${check.fileType}`, { file: path });
      if (owners) {
        const owner = await facts.userName(info.uid);
        if (owners.includes(owner)) evidence.observed(`owner ${owner}`, { file: path });
        else evidence.unexpected(`owner ${owner}`, { file: path }).missing(`owner ${owners.join(' or ')}`, { file: path });
      }
      if (groups) {
        const group = await facts.groupName(info.gid);
        if (groups.includes(group)) evidence.observed(`group ${group}`, { file: path });
        else evidence.unexpected(`group ${group}`, { file: path }).missing(`group ${groups.join(' or ')}`, { file: path });
      }
      if (maxMode !== undefined && info.type !== 'symlink') {
        if ((info.mode & ~maxMode) === 0) evidence.observed(`mode ${octal(info.mode)}`, { file: path });
        else evidence.unexpected(`mode ${octal(info.mode)}`, { file: path }).missing(`mode ${octal(maxMode)} or stricter`, { file: path });
      }
    }
    if (paths.length === 0 && !check.ifExists) evidence.missing(`a file matching ${check.path}`);
    const passMessage = present === 0 ? `${check.path} does not exist (allowed)` : `${check.path} is as required`;
    return evidence.outcome(passMessage, `${check.path} is not as required`);
  },
};
