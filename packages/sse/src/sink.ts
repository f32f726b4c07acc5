import type { SseError } from './errors.js';

/** Where a session's bytes go: a Web stream controller or a node:http response. */
export interface Sink {
  write(chunk: Buffer): void;
  /** Bytes written but not yet taken by the consumer. */
  readonly buffered: number;
  /** False while the consumer is behind: catch-up reading pauses until the session's `demand()`. */
  readonly wantsMore: boolean;
  end(): void;
  destroy(error: SseError): void;
}
