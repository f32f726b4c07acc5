export { Child, type Exit, runTs, spawnTs, tsNodeArgs } from './child.js';
export { smallTmpfs, tempDir, waitFor } from './fs.js';
export { readmeExampleErrors } from './readme-examples.js';
