/**
 * unix:uname — the running kernel, from `uname` on live targets. A dir: tree or an image has no
 * running kernel: "unknown", never a made-up value.
 */
import { OvalCollectionError, requireLive, type OvalTestType } from '../test-type.js';

export const uname: OvalTestType = {
  id: 'uname',
  families: ['unix'],
  async collect(_object, context) {
    const { target } = context;
    requireLive(context, 'uname');
    if (!target.run) throw new OvalCollectionError(`uname: ${target.name} runs no commands`);
    const run = target.run.bind(target);
    const output = await context.once('uname', () => run('uname -m; uname -n; uname -s; uname -r; uname -v', { timeoutMs: 30_000 }));
    if (output.exitCode !== 0) throw new OvalCollectionError(`uname failed: ${output.stderr.trim()}`);
    const [machine = '', node = '', system = '', release = '', version = ''] = output.stdout.split('\n');
    // processor_type is the kernel's machine, as OpenSCAP's probe reports it (`uname -p` says
    // "unknown" on Debian, and SSG's architecture checks compare processor_type with x86_64).
    return [{ machine_class: [machine], node_name: [node], os_name: [system], os_release: [release], os_version: [version], processor_type: [machine] }];
  },
};
