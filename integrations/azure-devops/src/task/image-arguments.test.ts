import { describe, expect, it } from 'vitest';
import { imageScanArguments, NoImagesError } from './image-arguments.js';
import { reportFilesFor } from './report-files.js';

const files = reportFilesFor('/agent/_temp', 'task-7');

describe('image task inputs as CLI arguments', () => {
  it('passes every reference once, and writes every report to the task instance folder', () => {
    expect(imageScanArguments({ images: 'app:1\nsha256:0123,app:1' }, files)).toEqual([
      'image', 'scan', 'app:1', 'sha256:0123', '--quiet',
      '--format', 'json=/agent/_temp/tollgate-task-7/tollgate-result.json',
      '--format', 'markdown=/agent/_temp/tollgate-task-7/tollgate-summary.md',
      '--format', 'junit=/agent/_temp/tollgate-task-7/tollgate-junit.xml',
      '--summary-output', '/agent/_temp/tollgate-task-7/tollgate-verdict.json',
    ]);
  });

  it('maps each failure and exclude condition to its flag, values as written', () => {
    const args = imageScanArguments(
      {
        images: 'app:1',
        dockerUrl: ' tcp://127.0.0.1:2376 ',
        dockerCertPath: '/certs',
        failOnSeverity: '4',
        severityLimits: 'CRITICAL=0, HIGH=5',
        failOnIds: 'CVE-2024-*\nGHSA-xvch-5gv4-984h',
        failOnCvss: '3:9.0',
        failOnSoftware: 'lodash>=4.0.0 <4.17.21\nlog4j-*',
        fixableOnly: true,
        gateFile: 'gate.yaml',
        excludeIds: 'CVE-2020-8203',
        excludePackages: 'minimist<1.2.6',
        excludePaths: '/app/test/**',
        ignoreFile: '.tollgateignore.yaml',
        vexFiles: 'a.openvex.json\nb.openvex.json',
        ignoreUnfixed: true,
        databasePath: '/cache/vuln.db',
        skipDatabaseUpdate: true,
        scanTimeout: '2*60',
      },
      files,
    );
    expect(args.slice(args.indexOf('--docker-host'))).toEqual([
      '--docker-host', 'tcp://127.0.0.1:2376', '--docker-cert-path', '/certs',
      '--fail-on', '4', '--fail-severity', 'CRITICAL=0', '--fail-severity', 'HIGH=5',
      '--fail-id', 'CVE-2024-*', '--fail-id', 'GHSA-xvch-5gv4-984h', '--fail-cvss', '3:9.0',
      '--fail-software', 'lodash>=4.0.0 <4.17.21', '--fail-software', 'log4j-*', '--fixable-only', '--gate', 'gate.yaml',
      '--exclude-id', 'CVE-2020-8203', '--exclude-package', 'minimist<1.2.6', '--exclude-path', '/app/test/**', '--ignore-file', '.tollgateignore.yaml',
      '--vex', 'a.openvex.json', '--vex', 'b.openvex.json', '--ignore-unfixed', '--db', '/cache/vuln.db', '--skip-db-update', '--max-scan-time', '2*60',
    ]);
  });

  it('server mode: the URL as --server, the sensor and its polling only when asked for', () => {
    const server = { images: 'app:1', viaSensor: false, dataCollectionFrequency: '30', resultTimeout: '600' };
    const tail = (args: string[]) => args.slice(args.indexOf('--summary-output') + 2);
    expect(tail(imageScanArguments(server, files, 'https://tollgate.example.com'))).toEqual(['--server', 'https://tollgate.example.com']);
    expect(tail(imageScanArguments({ ...server, viaSensor: true, dataCollectionFrequency: ' 2*15 ', resultTimeout: '10*60' }, files, 'https://tollgate.example.com'))).toEqual(['--server', 'https://tollgate.example.com', '--via-sensor', '--poll', '2*15', '--timeout', '10*60']);
    expect(tail(imageScanArguments({ ...server, viaSensor: true }, files))).toEqual([]);
  });

  it('refuses a run with no image', () => {
    expect(() => imageScanArguments({ images: ' \n , ' }, files)).toThrow(NoImagesError);
  });
});
