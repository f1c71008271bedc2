/**
 * The one list of CLI commands. Each entry adds one command (with its subcommands) to the program.
 */
import type { Command } from 'commander';
import { registerCacheCommand } from './cache.js';
import { registerComplianceCommand } from './compliance.js';
import { registerDbCommand } from './db.js';
import { registerHarborAdapterCommand } from './harbor-adapter.js';
import { registerImageCommand } from './image.js';
import { registerPipelineCommand } from './pipeline.js';
import { registerServerCommand } from './server.js';
import { registerSensorCommand } from './sensor.js';
import { registerWorkerCommand } from './worker.js';

export type RegisterCommand = (program: Command) => void;

export const COMMANDS: readonly RegisterCommand[] = [
  registerImageCommand,
  registerDbCommand,
  registerCacheCommand,
  registerComplianceCommand,
  registerPipelineCommand,
  registerServerCommand,
  registerHarborAdapterCommand,
  registerSensorCommand,
  registerWorkerCommand,
];
