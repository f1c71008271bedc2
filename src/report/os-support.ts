/**
 * How every report names a scan's OS and says what the scan could not judge: the OS with its end of
 * life when the release is past it, and the scan's warnings (an unsupported OS or package type, an
 * end-of-life release, components of an SBOM that could not be matched). Renderers only show these;
 * the scan decided them.
 */
import type { ScanResult } from '../model/image-scan.js';

/** `Debian GNU/Linux 10 (buster)`, `alpine 3.19`, or undefined when the scan found no OS. */
export function osName(scan: ScanResult): string | undefined {
  return scan.os ? (scan.os.prettyName ?? `${scan.os.family} ${scan.os.version}`) : undefined;
}

/** `end of life since 2024-06-30`, for a release past its end; undefined otherwise. */
export function endOfLifeNote(scan: ScanResult): string | undefined {
  return scan.os?.endOfLife ? `end of life since ${scan.os.endOfLife.date}` : undefined;
}

/** The OS as a report line: its name, flagged when its release is past its end of life. */
export function osLine(scan: ScanResult): string | undefined {
  const name = osName(scan);
  const eol = endOfLifeNote(scan);
  return name === undefined ? undefined : eol ? `${name} (${eol})` : name;
}
