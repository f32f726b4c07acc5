const ID_PATTERN = /^([0-9a-f]{12})-(0|[1-9][0-9]{0,15})$/;

/**
 * A parsed SSE event id: the log's epoch and the byte offset just past the record, where a resume starts.
 *
 * @example
 * const id: EventId = { epoch: '3f2a9c0d11be', offset: 5120 };
 */
export interface EventId {
  /** 12 hex digits of SHA-256 over the log's first line: changes when the log is truncated or replaced. */
  epoch: string;
  /** Byte offset just past the record: where a resume starts reading. */
  offset: number;
}

/**
 * Formats an event id as `<epoch>-<offset>` (12 hex digits, a dash, decimal offset).
 *
 * @example
 * formatEventId({ epoch: '3f2a9c0d11be', offset: 5120 }); // '3f2a9c0d11be-5120'
 */
export const formatEventId = ({ epoch, offset }: EventId): string => `${epoch}-${offset}`;

/**
 * Parses an event id; `undefined` when it is malformed (the HTTP layer answers 400).
 *
 * @example
 * parseEventId('3f2a9c0d11be-5120'); // { epoch: '3f2a9c0d11be', offset: 5120 }
 * parseEventId('42'); // undefined
 */
export function parseEventId(id: string): EventId | undefined {
  const match = ID_PATTERN.exec(id);
  if (!match) return undefined;
  const offset = Number(match[2]);
  return Number.isSafeInteger(offset) ? { epoch: match[1]!, offset } : undefined;
}
