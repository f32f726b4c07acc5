export { Child, type Exit, runTs, spawnTs, tsNodeArgs } from './child.js';
export { smallTmpfs, tempDir, waitFor } from './fs.js';
export { NatsServer, natsServerBinary, natsSkipReason } from './nats-server.js';
export { readmeExampleErrors } from './readme-examples.js';
