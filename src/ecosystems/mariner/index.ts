/**
 * CBL-Mariner: rpm packages on an OS whose os-release `ID` is `mariner` (CBL-Mariner 2.0, the release
 * Microsoft renamed Azure Linux from 3.0 on). Its advisories are in the same OSV ecosystem as Azure
 * Linux's, under its major release (`Azure Linux:2`), so everything but the os-release ID is Azure
 * Linux's descriptor.
 */
import type { EcosystemDescriptor } from '../ecosystem.js';
import { azurelinux } from '../azurelinux/index.js';

export const mariner: EcosystemDescriptor = { ...azurelinux, id: 'mariner', osFamily: 'mariner' };
