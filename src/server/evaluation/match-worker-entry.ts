/** The file a match worker thread starts from (outside the bundled CLI, whose entry dispatches itself). */
import { runMatchWorker } from './match-worker.js';

runMatchWorker();
