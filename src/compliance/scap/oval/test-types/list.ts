/**
 * Every OVAL test type Tollgate collects, in the order the Debian SSG content needs them,
 * then RHEL's (rpminfo). A test
 * whose type is not here is "not evaluated" with the type named, never guessed. One folder per type.
 */
import { dpkginfo } from './dpkginfo/index.js';
import { environmentvariable58 } from './environmentvariable58/index.js';
import { family } from './family/index.js';
import { file } from './file/index.js';
import { filehash58 } from './filehash58/index.js';
import { partition } from './partition/index.js';
import { password } from './password/index.js';
import { rpminfo } from './rpminfo/index.js';
import { rpmverifyfile } from './rpmverifyfile/index.js';
import { shadow } from './shadow/index.js';
import { symlink } from './symlink/index.js';
import { sysctl } from './sysctl/index.js';
import { systemdunitdependency } from './systemdunitdependency/index.js';
import { systemdunitproperty } from './systemdunitproperty/index.js';
import type { OvalTestType } from './test-type.js';
import { textfilecontent54 } from './textfilecontent54/index.js';
import { uname } from './uname/index.js';
import { variable } from './variable/index.js';
import { xmlfilecontent } from './xmlfilecontent/index.js';

export const OVAL_TEST_TYPES: readonly OvalTestType[] = [
  textfilecontent54,
  file,
  dpkginfo,
  variable,
  systemdunitdependency,
  systemdunitproperty,
  sysctl,
  partition,
  environmentvariable58,
  family,
  uname,
  shadow,
  password,
  symlink,
  filehash58,
  rpminfo,
  xmlfilecontent,
  rpmverifyfile,
];

export function testTypeFor(id: string, family: string): OvalTestType | undefined {
  return OVAL_TEST_TYPES.find((type) => type.id === id && type.families.includes(family));
}
