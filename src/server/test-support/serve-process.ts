/**
 * A server in a child process for the multi-process tests (two nodes on one PostgreSQL, kill -9
 * mid-upload): options as JSON in argv[2]; prints `listening <url>` once it serves.
 */
import { startServer, type ServerOptions } from '../start-server.js';

const options = JSON.parse(process.argv[2] as string) as Omit<ServerOptions, 'announce' | 'log'>;
const running = await startServer({ ...options, announce: (line) => process.stdout.write(`${line}\n`), log: (line) => process.stderr.write(`${line}\n`) });
process.stdout.write(`listening ${running.url}\n`);
process.on('SIGTERM', () => void running.close().then(() => process.exit(0)));
