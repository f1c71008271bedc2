/**
 * openSUSE Tumbleweed: rpm packages on an OS whose os-release `ID` is `opensuse-tumbleweed`. SUSE
 * publishes Tumbleweed's advisories in the openSUSE OSV ecosystem under the distribution's
 * marketing name, `openSUSE:openSUSE Tumbleweed` (os-release's `PRETTY_NAME`), by source rpm; a
 * rolling distribution, so no release and no end of life. The rest is openSUSE Leap's descriptor.
 */
import type { EcosystemDescriptor } from '../ecosystem.js';
import { opensuse } from '../opensuse/index.js';

const { releaseOf: _leapRelease, releases: _leapReleases, ...leap } = opensuse;

export const opensuseTumbleweed: EcosystemDescriptor = {
  ...leap,
  id: 'opensuse-tumbleweed',
  osFamily: 'opensuse-tumbleweed',
  osvEcosystemFor: () => 'openSUSE:openSUSE Tumbleweed',
};
