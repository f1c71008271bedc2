/**
 * General mode: keeps the server's picture of the daemon current. The inventory of every image and
 * container (image, state, ports, labels) is sent at start, every `inventoryIntervalMs`, and shortly
 * after daemon events; the events themselves (pull, push, tag, untag, delete, create, start, die)
 * are sent in batches, each with an id made from the daemon's own event time so a batch sent twice
 * is stored once. Events wait in memory (at most MAX_PENDING_EVENTS) while the server is away.
 */
import type { DockerConnection } from '../image/docker/connection.js';
import { describeDockerError } from '../image/docker/connection.js';
import { listImages, watchImageEvents, type ImageEvent } from '../image/docker/operations.js';
import { messageOf } from '../errors.js';
import type { PlatformClient } from './platform-client.js';
import { sleep } from './backoff.js';

const MAX_PENDING_EVENTS = 10_000;
const IMAGE_ACTIONS = new Set(['pull', 'push', 'tag', 'untag', 'delete']);
const CONTAINER_ACTIONS = new Set(['create', 'start', 'die']);

/** Control characters are refused by the server's schema: such a label is left out, not the whole inventory. */
const hasControl = (text: string): boolean => [...text].some((character) => character.charCodeAt(0) < 0x20);

/** Podman reports image ids without the algorithm. */
function imageIdOf(id: string | undefined): string | undefined {
  if (id === undefined) return undefined;
  if (/^sha256:[0-9a-f]{64}$/.test(id)) return id;
  return /^[0-9a-f]{64}$/.test(id) ? `sha256:${id}` : undefined;
}

export interface GeneralModeOptions {
  connection: DockerConnection;
  client: PlatformClient;
  sensorId: string;
  inventoryIntervalMs: number;
  log(line: string): void;
}

interface PlatformEvent {
  id: string;
  type: string;
  at: string;
  image?: string;
  container?: string;
}

export class GeneralMode {
  private events: PlatformEvent[] = [];
  private inventoryDue = true;

  constructor(private readonly options: GeneralModeOptions) {}

  async run(signal: AbortSignal): Promise<void> {
    await Promise.all([this.watch(signal), this.report(signal)]);
  }

  /** A daemon event as the platform records it, or undefined for events it does not record. */
  static platformEvent(event: ImageEvent): PlatformEvent | undefined {
    const type = event.type ?? 'image';
    const action = event.action.split(':')[0] ?? '';
    if (!(type === 'image' && IMAGE_ACTIONS.has(action)) && !(type === 'container' && CONTAINER_ACTIONS.has(action))) return undefined;
    const at = event.timeNano ? new Date(Math.floor(event.timeNano / 1e6)) : new Date((event.time ?? Date.now() / 1000) * 1000);
    const stamp = event.timeNano ? String(event.timeNano) : String(at.getTime());
    const subject = type === 'container' ? event.id : (event.attributes.name ?? event.id);
    const id = `${stamp}-${action}-${subject}`.replace(/[^A-Za-z0-9._:-]/g, '_').slice(0, 200);
    if (type === 'container') return { id, type: action, at: at.toISOString(), container: event.id, ...(event.attributes.image ? { image: event.attributes.image } : {}) };
    return { id, type: action, at: at.toISOString(), ...(subject ? { image: subject } : {}) };
  }

  private async watch(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await watchImageEvents(
          this.options.connection,
          (event) => {
            const recorded = GeneralMode.platformEvent(event);
            if (!recorded) return;
            if (this.events.length < MAX_PENDING_EVENTS) this.events.push(recorded);
            this.inventoryDue = true;
          },
          signal,
          ['image', 'container'],
        );
      } catch (error) {
        this.options.log(`watching the Docker daemon failed: ${messageOf(error)}; trying again`);
      }
      await sleep(2000, signal);
    }
  }

  private async report(signal: AbortSignal): Promise<void> {
    let lastInventory = 0;
    while (!signal.aborted) {
      if (this.inventoryDue || Date.now() - lastInventory >= this.options.inventoryIntervalMs) {
        try {
          this.inventoryDue = false;
          await this.sendInventory();
          lastInventory = Date.now();
        } catch (error) {
          this.inventoryDue = true;
          this.options.log(`sending the inventory failed: ${messageOf(error)}`);
        }
      }
      if (this.events.length > 0) {
        const batch = this.events.slice(0, 1000);
        try {
          await this.options.client.send('POST', `/api/v1/sensors/${this.options.sensorId}/events`, batch);
          this.events.splice(0, batch.length);
        } catch (error) {
          this.options.log(`sending ${batch.length} daemon events failed: ${messageOf(error)}; kept for the next attempt`);
        }
      }
      await sleep(1000, signal);
    }
  }

  private async sendInventory(): Promise<void> {
    const { connection } = this.options;
    const images = await listImages(connection);
    let containers: Awaited<ReturnType<Awaited<ReturnType<DockerConnection['docker']>>['listContainers']>>;
    try {
      containers = await (await connection.docker()).listContainers({ all: true });
    } catch (error) {
      throw describeDockerError(error, connection.address);
    }
    await this.options.client.send('POST', `/api/v1/sensors/${this.options.sensorId}/inventory`, {
      images: images.map((image) => ({ id: image.Id, tags: (image.RepoTags ?? []).filter((tag) => tag !== '<none>:<none>'), repoDigests: (image.RepoDigests ?? []).filter((digest) => digest !== '<none>@<none>') })),
      containers: containers.map((container) => ({
        id: container.Id,
        name: (container.Names?.[0] ?? '').replace(/^\//, ''),
        image: container.Image || container.ImageID,
        ...(imageIdOf(container.ImageID) ? { imageId: imageIdOf(container.ImageID) } : {}),
        state: container.State || 'unknown',
        ports: (container.Ports ?? []).slice(0, 256).map((port) => ({ ...(port.IP ? { ip: port.IP } : {}), privatePort: port.PrivatePort, ...(port.PublicPort ? { publicPort: port.PublicPort } : {}), type: port.Type })),
        labels: Object.fromEntries(Object.entries(container.Labels ?? {}).filter(([name, value]) => name !== '' && !hasControl(name) && name.length <= 128 && !hasControl(value) && value.length <= 1024).slice(0, 256)),
      })),
    });
  }
}
