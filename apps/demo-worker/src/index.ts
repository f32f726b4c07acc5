// What the demo server imports: the contract (also `@fipc/demo-worker/contract`, Node-free, for the page) and
// where a run's files live.
export * from './contract.js';
export { runPaths } from './paths.js';
