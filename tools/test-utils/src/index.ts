// What child processes and benches import too: keep it light. The TypeScript compiler (`./readme-examples`) and
// Playwright (`./browser`) have entries of their own; loaded here, they made every bench process carry
// TypeScript's heap, which showed as slower latency tails than the same code measured without it.
export { Child, type Exit, runTs, spawnTs, tsNodeArgs } from './child.js';
export { smallTmpfs, tempDir, waitFor } from './fs.js';
export { NatsServer, natsServerBinary, natsSkipReason } from './nats-server.js';
