/**
 * A sensor's id: given with --sensor-id, else made once and kept in the spool folder, so a restarted
 * sensor is the same sensor (it keeps its claims) and two sensors with their own spool folders on
 * one daemon are two sensors.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { UsageError } from '../errors.js';

const SENSOR_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export async function sensorIdFor(spoolDir: string, given?: string): Promise<string> {
  if (given !== undefined) {
    if (!SENSOR_ID.test(given)) throw new UsageError(`invalid --sensor-id "${given}" (letters, digits, dot, dash, underscore; at most 128)`);
    return given;
  }
  const file = path.join(spoolDir, 'sensor-id');
  const stored = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (SENSOR_ID.test(stored)) return stored;
  const host = hostname().replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64) || 'sensor';
  const made = `${host}-${randomBytes(6).toString('hex')}`;
  await mkdir(spoolDir, { recursive: true });
  await writeFile(file, `${made}\n`);
  return made;
}
