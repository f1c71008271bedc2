import { describe, expect, it } from 'vitest';
import { identityOf } from './daemon-identity.js';

const podmanVersion = { Components: [{ Name: 'Podman Engine', Version: '4.3.1' }] };

describe('the identity of a Docker daemon', () => {
  it("is Docker Engine's own id", () => {
    expect(identityOf({ ID: 'ABCD:EFGH', Name: 'build-host' }, { Components: [{ Name: 'Engine' }] }, 'unix:///var/run/docker.sock')).toEqual({ daemonId: 'ABCD:EFGH', name: 'build-host' });
  });

  it("is the same for every answer of one Podman service, whose /info ID changes at each call, and differs for another storage root", () => {
    const first = identityOf({ ID: 'dcb454c7-4ae7-4a3d-9a39-61b613fd306a', Name: 'vm', DockerRootDir: '/var/lib/containers/storage' }, podmanVersion, 'unix:///run/podman/podman.sock');
    const second = identityOf({ ID: '352f67ae-dbee-4539-b012-b5c0f2737636', Name: 'vm', DockerRootDir: '/var/lib/containers/storage' }, podmanVersion, 'unix:///tmp/other-path.sock');
    expect(first).toEqual(second);
    expect(first.daemonId).toMatch(/^podman-[0-9a-f]{32}$/);
    expect(identityOf({ ID: 'x', Name: 'vm', DockerRootDir: '/home/ci/.local/share/containers/storage' }, podmanVersion, 'unix:///run/podman/podman.sock').daemonId).not.toBe(first.daemonId);
  });

  it('is made from the host name and address when the daemon names no id', () => {
    const identity = identityOf({ Name: 'h' }, undefined, 'tcp://10.0.0.1:2375');
    expect(identity.daemonId).toMatch(/^addr-[0-9a-f]{32}$/);
    expect(identityOf({ Name: 'h' }, undefined, 'tcp://10.0.0.2:2375').daemonId).not.toBe(identity.daemonId);
  });
});
