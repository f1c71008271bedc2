/**
 * The direction of imports in src/ (DESIGN.md: source -> inventory -> findings -> verdict ->
 * reports, with the model at the bottom): for each folder of src/, the folders its modules may
 * import. .dependency-cruiser.cjs turns it into rules checked in `npm test`; src/architecture.test.ts
 * keeps the table itself acyclic, so no two folders can ever import each other.
 *
 * A new folder of src/ gets a row here (a module in an unknown folder is an error).
 */
const FOUNDATION = ['model', 'foundation'];

/** folder -> the folders it may import (besides itself). `foundation` is errors.ts, version.ts, package-root.ts and util/. */
const LAYERS = {
  model: [],
  foundation: ['model'],
  versions: [...FOUNDATION],
  ecosystems: ['versions', ...FOUNDATION],
  image: [...FOUNDATION],
  inventory: ['image', 'ecosystems', ...FOUNDATION],
  vulndb: ['ecosystems', 'image', ...FOUNDATION],
  engine: ['image', 'inventory', 'ecosystems', ...FOUNDATION],
  match: ['vulndb', 'ecosystems', 'versions', ...FOUNDATION],
  gate: ['ecosystems', ...FOUNDATION],
  config: ['gate', 'ecosystems', 'versions', ...FOUNDATION],
  compliance: ['config', 'inventory', 'image', 'ecosystems', 'versions', ...FOUNDATION],
  report: [...FOUNDATION],
  jobs: ['engine', 'match', 'vulndb', 'gate', 'config', 'compliance', 'image', 'ecosystems', ...FOUNDATION],
  server: ['jobs', 'match', 'vulndb', 'gate', 'config', 'compliance', 'report', 'image', 'ecosystems', ...FOUNDATION],
  harbor: ['jobs', 'engine', 'vulndb', 'image', ...FOUNDATION],
  sensor: ['jobs', 'engine', 'image', ...FOUNDATION],
  connector: ['jobs', 'gate', 'image', ...FOUNDATION],
  cli: ['connector', 'server', 'harbor', 'sensor', 'worker', 'jobs', 'report', 'engine', 'vulndb', 'gate', 'config', 'compliance', 'image', ...FOUNDATION],
  worker: ['jobs', 'compliance', 'config', ...FOUNDATION],
  library: ['jobs', 'report', 'engine', 'vulndb', 'gate', 'config', 'compliance', 'image', ...FOUNDATION],
};

/** The path pattern of each folder's modules (relative to the repository). */
const PATHS = {
  foundation: '^src/(errors|version|package-root)\\.ts$|^src/util/',
  library: '^src/index\\.ts$',
};
const pathOf = (layer) => PATHS[layer] ?? `^src/${layer}/`;

module.exports = { LAYERS, pathOf };
