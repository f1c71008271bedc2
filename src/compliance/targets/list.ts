/**
 * The one list of compliance target kinds. Adding a kind: a module in this folder implementing
 * Target (most are an FsView from src/image/fs/ plus what the target knows about itself), and one
 * entry here; the usage error for an unknown target and `compliance scan --help` name it from here.
 *
 * Modules of kinds that need heavy libraries (SSH, image sources) are loaded only when a target of
 * that kind is opened.
 */
import { FilesystemTarget } from './filesystem-target.js';
import type { OpenTargetOptions, Target, TargetKind } from './target.js';

export interface TargetKindEntry {
  readonly kind: TargetKind;
  /** How a target of this kind is written: `dir:<path>`. */
  readonly syntax: string;
  /** What it is, for `--help`. */
  readonly description: string;
  /** True when `spec` (with any `env.NAME` already resolved) names a target of this kind. */
  matches(spec: string): boolean;
  open(spec: string, options: OpenTargetOptions): Promise<Target>;
}

export const TARGET_KINDS: readonly TargetKindEntry[] = [
  {
    kind: 'local',
    syntax: 'local',
    description: 'this host, live',
    matches: (spec) => spec === 'local',
    open: async () => FilesystemTarget.local(),
  },
  {
    kind: 'dir',
    syntax: 'dir:<path>',
    description: 'a root filesystem on this host',
    matches: (spec) => spec.startsWith('dir:'),
    open: (spec) => FilesystemTarget.openDirectory(spec),
  },
  {
    kind: 'ssh',
    syntax: 'ssh://user@host[:port]',
    description: 'a host over SSH, live; with --credentials and --auth',
    matches: (spec) => spec.startsWith('ssh://'),
    open: async (spec, options) => (await import('./ssh-target.js')).SshTarget.open(spec, options),
  },
  {
    kind: 'image',
    syntax: 'image:<ref>',
    description: 'a container image, any reference image scan takes',
    matches: (spec) => spec.startsWith('image:'),
    open: async (spec, options) => (await import('./image-target.js')).ImageTarget.open(spec.slice('image:'.length), options.image),
  },
];

function inWords(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1) as string}`;
}

/** The usage error's text for a specification no kind matches. */
export function unknownTargetMessage(spec: string): string {
  return `unknown target "${spec}": use ${inWords(TARGET_KINDS.map((entry) => entry.syntax))}`;
}

/** The target argument's description for `--help`: every kind with what it is. */
export function targetKindsHelp(): string {
  return `${inWords(TARGET_KINDS.map((entry) => `${entry.syntax} (${entry.description})`))}; env.NAME takes it from the environment`;
}
