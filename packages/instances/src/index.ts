export { InstancesError, type InstancesErrorCode } from './errors.js';
export type { InstanceInfo } from './inspect.js';
export { DEFAULT_TERMINAL_STATUSES, type ListInstancesOptions, listInstances } from './list-instances.js';
export {
  type KeepReason,
  type RemoveInstancesOptions,
  type RemoveResult,
  removeInstances,
} from './remove-instances.js';
