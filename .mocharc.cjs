// Mocha's settings. Spec files run in parallel, one worker per core and at least two: the
// suite spends most of its time waiting on elixir, shellcheck and generator runs in other
// processes. Each spec works in temp dirs of its own.
const { availableParallelism, cpus } = require('node:os');

module.exports = {
  extension: ['ts'],
  'node-option': ['import=tsx/esm'],
  require: ['yeoman-test/mocha-cleanup'],
  timeout: 60000,
  reporter: './test/support/summary-reporter.cjs',
  parallel: true,
  jobs: Math.max(2, availableParallelism?.() ?? cpus().length),
};
