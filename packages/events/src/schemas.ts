import type { EventInput, EventSchemas } from '@fipc/core';
import type { EmitOptions } from './event-log.js';

// The typing of a schema map lives in @fipc/core (Node-free), shared with `@fipc/sse/client` and the contract.
export type { EventInput, EventOf, EventOutput, EventSchemas, EventType } from '@fipc/core';

/**
 * The arguments of `emit` after the type: the options may be left out, and `data` with them, exactly when the
 * type's schema accepts `{}`; otherwise `data` is required.
 *
 * @example
 * const args: EmitArgs<{ progress: typeof Progress }, 'progress'> = [{ data: { percent: 40 } }];
 */
export type EmitArgs<E extends EventSchemas, K extends string> =
  Record<never, never> extends EventInput<E, K>
    ? [options?: EmitOptions<EventInput<E, K>>]
    : [options: EmitOptions<EventInput<E, K>> & { data: EventInput<E, K> }];
