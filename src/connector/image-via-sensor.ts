/**
 * `tollgate image scan --server … --via-sensor`: the pipeline does not read the image; a sensor on
 * the Docker host does. For each reference: resolve it to the image id through the daemon, make
 * sure a live CI-mode sensor serves that daemon, record the time, tag the image for the sensor and
 * poll the platform for a complete result scanned after that time (or the sensor's failure, which
 * ends the polling of every image). Returns the sensors' raw results, the images that timed out
 * and those whose scan failed; judging them (filters, gate) is the image job's, exactly as for a
 * scan made here.
 */
import type { DockerConnectionOptions } from '../image/docker/connection.js';
import type { ScanResult } from '../model/image-scan.js';
import type { AggregateVerdict } from '../model/image-verdict.js';
import type { PlatformClient } from './platform-client.js';
import { pollImageResult } from './poll-image-result.js';
import { requireLiveCiSensor } from './sensor-check.js';
import { connectMarkingDaemon, markForScan, resolveDockerTarget, SCAN_TARGET_REPOSITORY, type DockerTarget } from './scan-target-tag.js';

export interface ViaSensorOptions {
  docker: DockerConnectionOptions;
  pollIntervalMs: number;
  timeoutMs: number;
  /** Progress lines for the pipeline's log (never a secret: image ids, states, HTTP statuses). */
  log: (line: string) => void;
}

export interface ViaSensorOutcome {
  /** Complete results in reference order, duplicates left out. */
  results: ScanResult[];
  duplicates: AggregateVerdict['duplicates'];
  /** Images without a complete result at the timeout. */
  timedOut: { reference: string; imageId: string; lastState: string }[];
  /** Images whose sensor gave up on them after the mark (the polling of the others stops at the first). */
  failed: { reference: string; imageId: string; sensorId: string; failedAt: string; reason: string }[];
}

export async function scanViaSensor(client: PlatformClient, references: readonly string[], options: ViaSensorOptions): Promise<ViaSensorOutcome> {
  const daemon = await connectMarkingDaemon(options.docker);
  const targets: DockerTarget[] = [];
  const duplicates: AggregateVerdict['duplicates'] = [];
  for (const reference of references) {
    const target = await resolveDockerTarget(daemon, reference);
    const first = targets.find((known) => known.imageId === target.imageId);
    if (first) duplicates.push({ reference, sameAs: first.reference });
    else targets.push(target);
  }
  const sensor = await requireLiveCiSensor(client, daemon.daemonId);
  options.log(`sensor ${sensor.id} (CI mode) serves Docker daemon ${daemon.daemonId}`);
  // Recorded before the tag is set: only a scan made after this moment answers.
  const scannedAfter = new Date().toISOString();
  for (const target of targets) options.log(`${target.reference}: tagged ${await markForScan(daemon, target)}`);
  const deadline = Date.now() + options.timeoutMs;
  // One image whose scan failed fails the build: the others' polling stops there.
  const stop = new AbortController();
  const outcomes = await Promise.all(
    targets.map(async (target) => {
      const outcome = await pollImageResult(client, target.imageId, scannedAfter, { intervalMs: options.pollIntervalMs, deadline, signal: stop.signal }, options.log);
      if (outcome.kind === 'failed') stop.abort();
      return outcome;
    }),
  );
  const results: ScanResult[] = [];
  const timedOut: ViaSensorOutcome['timedOut'] = [];
  const failed: ViaSensorOutcome['failed'] = [];
  for (const [index, outcome] of outcomes.entries()) {
    const target = targets[index] as DockerTarget;
    if (outcome.kind === 'complete') {
      options.log(`${target.reference}: result ${outcome.scanId} (scanned ${outcome.scannedAt})`);
      results.push(asNamedByPipeline(outcome.result, target));
    } else if (outcome.kind === 'failed') failed.push({ reference: target.reference, imageId: target.imageId, sensorId: outcome.sensorId, failedAt: outcome.failedAt, reason: outcome.reason });
    else if (outcome.kind === 'timeout') timedOut.push({ reference: target.reference, imageId: target.imageId, lastState: outcome.lastState });
  }
  return { results, duplicates, timedOut, failed };
}

/**
 * The sensor's result as the pipeline named the image: its reference, and the image's tags without
 * the marker, and its repo digests without one under the marker's name (Podman lists it while the
 * mark is set): protocol artefacts the sensor may have seen.
 */
function asNamedByPipeline(result: ScanResult, target: DockerTarget): ScanResult {
  const isMarker = (tag: string): boolean => tag.replace(/^docker\.io\/library\//, '').startsWith(`${SCAN_TARGET_REPOSITORY}:`);
  const isMarkerDigest = (digest: string): boolean => digest.replace(/^docker\.io\/library\//, '').startsWith(`${SCAN_TARGET_REPOSITORY}@`);
  return { ...result, image: { ...result.image, reference: target.reference, repoTags: result.image.repoTags.filter((tag) => !isMarker(tag)), repoDigests: result.image.repoDigests.filter((digest) => !isMarkerDigest(digest)) } };
}
