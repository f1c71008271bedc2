/**
 * Import rules for dependency-cruiser, checked in `npm test` (`npm run lint:imports`): each folder
 * of src/ imports only the folders scripts/import-layers.cjs allows it, and no module cycle exists.
 */
const { LAYERS, pathOf } = require('./scripts/import-layers.cjs');

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'A module cycle makes the order of initialisation an accident; break it by moving the shared part down. Cycles through type-only imports are erased at run time and allowed (a plug-in list infers the union type its contract refers to).',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'known-folders-only',
      comment: 'Every folder of src/ has a row in LAYERS (.dependency-cruiser.cjs).',
      severity: 'error',
      from: { path: '^src/', pathNot: Object.keys(LAYERS).map(pathOf).join('|') },
      to: {},
    },
    ...Object.entries(LAYERS).map(([layer, allowed]) => ({
      name: `${layer}-imports`,
      comment: `${layer} may import only ${allowed.length ? allowed.join(', ') : 'itself'} (DESIGN.md's flow; the table in .dependency-cruiser.cjs)`,
      severity: 'error',
      from: { path: pathOf(layer) },
      to: { path: '^src/', pathNot: [layer, ...allowed].map(pathOf).join('|') },
    })),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$|/test-support/|/testdata/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
