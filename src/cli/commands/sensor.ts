/**
 * `tollgate sensor`: a thin caller of src/sensor. Parses the flags, starts the sensor and runs it
 * until SIGINT or SIGTERM. The token comes from --token or TOLLGATE_TOKEN and is never printed.
 */
import path from 'node:path';
import { Option, type Command } from 'commander';
import envPaths from 'env-paths';
import { UsageError } from '../../errors.js';
import { printLine } from '../messages.js';

interface SensorFlags {
  server: string;
  token?: string;
  mode: 'ci' | 'general' | 'registry';
  dockerHost?: string;
  dockerCertPath?: string;
  label: string[];
  spoolDir?: string;
  cacheDir?: string;
  heartbeat: number;
  concurrency: number;
  sensorId?: string;
  inventoryInterval: number;
  registry: string[];
  registryInterval: number;
  registryInsecure?: boolean;
}

function seconds(flag: string): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < 1 || value > 86400) throw new UsageError(`${flag} must be a whole number of seconds from 1 to 86400 (got "${text}")`);
    return value;
  };
}

function wholeNumber(flag: string, max: number): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < 1 || value > max) throw new UsageError(`${flag} must be a whole number from 1 to ${max} (got "${text}")`);
    return value;
  };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function labelsOf(pairs: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals < 1) throw new UsageError(`invalid --label "${pair}": expected key=value`);
    labels[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  return labels;
}

function serverUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`invalid --server "${text}": expected http(s)://host:port`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError('--server must be an http:// or https:// address');
  if (url.username || url.password) throw new UsageError('--server must not carry credentials; give the token with --token or TOLLGATE_TOKEN');
  return url.toString();
}

export function registerSensorCommand(program: Command): void {
  program
    .command('sensor')
    .description('run a sensor on a Docker host: scan images marked by pipelines (ci), report images, containers and events (general), or scan registries (registry)')
    .addOption(new Option('--server <url>', 'the Tollgate server (http(s)://host:port)').env('TOLLGATE_SERVER').makeOptionMandatory())
    .addOption(new Option('--token <token>', 'an API token of role sensor (better: TOLLGATE_TOKEN)').env('TOLLGATE_TOKEN'))
    .addOption(new Option('--mode <mode>', 'what the sensor does').choices(['ci', 'general', 'registry']).default('ci'))
    .addOption(new Option('--docker-host <address>', 'Docker daemon: unix:///path/docker.sock or tcp://host:port (default: DOCKER_HOST, else the local socket)'))
    .addOption(new Option('--docker-cert-path <dir>', 'folder with ca.pem, cert.pem and key.pem for a TLS daemon (default: DOCKER_CERT_PATH)'))
    .addOption(new Option('--label <key=value>', 'a label of this sensor (repeatable)').argParser(collect).default([]))
    .addOption(new Option('--spool-dir <dir>', 'where the sensor keeps its id, its pending uploads and its layer cache').env('TOLLGATE_SENSOR_SPOOL_DIR'))
    .addOption(new Option('--cache-dir <dir>', 'layer cache folder (default: <spool dir>/cache)'))
    .addOption(new Option('--heartbeat <seconds>', 'heartbeat interval; the server shows the sensor live for three of them').default(30).argParser(seconds('--heartbeat')))
    .addOption(new Option('--concurrency <n>', 'CI mode: marked images scanned at once').default(2).argParser(wholeNumber('--concurrency', 64)))
    .addOption(new Option('--sensor-id <id>', 'the sensor id (default: made once and kept in the spool folder)'))
    .addOption(new Option('--inventory-interval <seconds>', 'general mode: how often the whole inventory is sent').default(60).argParser(seconds('--inventory-interval')))
    .addOption(new Option('--registry <host[/repository]>', 'registry mode: a registry (every repository of its catalog) or one repository (repeatable)').argParser(collect).default([]))
    .addOption(new Option('--registry-interval <seconds>', 'registry mode: how often the registries are listed').default(300).argParser(seconds('--registry-interval')))
    .addOption(new Option('--registry-insecure', 'accept a registry with a self-signed certificate or plain HTTP').env('TOLLGATE_REGISTRY_INSECURE'))
    .action(async (flags: SensorFlags) => {
      if (!flags.token) throw new UsageError('a sensor token is needed: --token or TOLLGATE_TOKEN');
      if (flags.mode === 'registry' && flags.registry.length === 0) throw new UsageError('registry mode needs at least one --registry');
      const { startSensor } = await import('../../sensor/run-sensor.js');
      const { parseRegistryTarget } = await import('../../sensor/registry-mode.js');
      const running = await startSensor({
        serverUrl: serverUrl(flags.server),
        token: flags.token,
        mode: flags.mode,
        docker: { ...(flags.dockerHost ? { dockerHost: flags.dockerHost } : {}), ...(flags.dockerCertPath ? { certPath: flags.dockerCertPath } : {}) },
        labels: labelsOf(flags.label),
        spoolDir: flags.spoolDir ?? path.join(envPaths('tollgate', { suffix: '' }).data, 'sensor'),
        ...(flags.cacheDir ? { cacheDir: flags.cacheDir } : {}),
        heartbeatSeconds: flags.heartbeat,
        concurrency: flags.concurrency,
        ...(flags.sensorId ? { sensorId: flags.sensorId } : {}),
        inventoryIntervalSeconds: flags.inventoryInterval,
        registries: flags.registry.map(parseRegistryTarget),
        registryIntervalSeconds: flags.registryInterval,
        registryInsecure: Boolean(flags.registryInsecure),
        log: (line) => printLine(line, process.stderr),
      });
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void running.stop().then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
        void running.done.then(resolve);
      });
    });
}
