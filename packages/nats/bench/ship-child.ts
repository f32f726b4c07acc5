// Child process of nats.bench.ts: the worker host's shipper. ship-child.ts <url> <log>
import { connectNats, shipEvents } from '../src/index.js';

const [url, path] = process.argv.slice(2) as [string, string];
const controller = new AbortController();
process.on('SIGTERM', () => controller.abort());
const nc = await connectNats(url);
console.log('shipping');
await shipEvents(path, { nc, instanceId: 'latency', signal: controller.signal });
await nc.close();
