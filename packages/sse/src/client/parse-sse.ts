/**
 * One event of an SSE stream, as the WHATWG event-stream interpretation dispatches it.
 *
 * @example
 * const event: SseMessage = { event: 'progress', data: '{"percent":40}', id: '3f2a9c0d11be-5120' };
 */
export interface SseMessage {
  /** The `event:` field, `'message'` when there was none. */
  event: string;
  /** The `data:` lines joined with `\n`. */
  data: string;
  /** The last event id after this event (ids persist across events, as in `EventSource.lastEventId`). */
  id: string;
}

/**
 * An incremental parser of `text/event-stream` text, chunk by chunk, following the WHATWG HTML rules: lines end
 * with CR LF, LF or CR (also split across chunks), a leading BOM is dropped, comments and unknown fields are
 * ignored, an `id` containing NUL is ignored, an event without data is not dispatched, and a final event without
 * its blank line is dropped.
 */
export class SseParser {
  #buffer = '';
  #data: string[] = [];
  #event = '';
  /** The last event ID buffer: set by `id:` fields, published at each blank line. */
  #idBuffer: string;
  #lastEventId: string;
  #first = true;
  #afterCr = false;

  /**
   * @param lastEventId the id to start from (a resumed stream keeps it until the server sends another)
   * @param onRetry told about each valid `retry:` field, in ms
   */
  constructor(
    lastEventId = '',
    private readonly onRetry: (ms: number) => void = () => {},
  ) {
    this.#idBuffer = lastEventId;
    this.#lastEventId = lastEventId;
  }

  /** The id to resume after: what `EventSource.lastEventId` would be now. */
  get lastEventId(): string {
    return this.#lastEventId;
  }

  /** The events completed by `chunk` (text already decoded from UTF-8). */
  push(chunk: string): SseMessage[] {
    let text = this.#buffer + chunk;
    if (this.#first && text.length > 0) {
      this.#first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    // A CR that ended the last chunk ended its line: a LF starting this one is the same line end.
    if (this.#afterCr && text.length > 0) {
      this.#afterCr = false;
      if (text[0] === '\n') text = text.slice(1);
    }
    const events: SseMessage[] = [];
    let start = 0;
    for (;;) {
      const cr = text.indexOf('\r', start);
      const lf = text.indexOf('\n', start);
      const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      if (end === -1) break;
      this.#line(text.slice(start, end), events);
      start = end + 1;
      if (text[end] === '\r') {
        if (start === text.length) this.#afterCr = true;
        else if (text[start] === '\n') start++;
      }
    }
    this.#buffer = text.slice(start);
    return events;
  }

  #line(line: string, events: SseMessage[]): void {
    if (line === '') {
      this.#lastEventId = this.#idBuffer;
      if (this.#data.length > 0)
        events.push({ event: this.#event || 'message', data: this.#data.join('\n'), id: this.#lastEventId });
      this.#data = [];
      this.#event = '';
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#event = value;
    else if (field === 'id') {
      if (!value.includes('\0')) this.#idBuffer = value;
    } else if (field === 'retry' && /^[0-9]+$/.test(value)) this.onRetry(Number(value));
  }
}
