import { describe, expect, it } from 'vitest';
import { SseParser } from '../src/client/parse-sse.js';

/** Feeds `chunks` one by one and returns every dispatched event and retry. */
function parse(chunks: string[], lastEventId?: string) {
  const retries: number[] = [];
  const parser = new SseParser(lastEventId, (ms) => retries.push(ms));
  const events = chunks.flatMap((chunk) => parser.push(chunk));
  return { events, retries, lastEventId: parser.lastEventId };
}

describe('the streaming SSE parser (WHATWG event-stream rules)', () => {
  it('dispatches at blank lines with any line ending, also split across chunks', () => {
    const text = 'id: 1\nevent: a\ndata: x\n\nid: 2\r\ndata: y\r\n\r\nid: 3\rdata: z\r\r';
    const whole = parse([text]).events;
    expect(whole).toEqual([
      { event: 'a', data: 'x', id: '1' },
      { event: 'message', data: 'y', id: '2' },
      { event: 'message', data: 'z', id: '3' },
    ]);
    // Every split point, CR LF torn between chunks included, gives the same events.
    for (let at = 0; at <= text.length; at++)
      expect(parse([text.slice(0, at), text.slice(at)]).events).toEqual(whole);
    expect(parse([...text]).events).toEqual(whole);
  });

  it('joins data lines, drops one leading space, ignores comments and unknown fields, and a leading BOM', () => {
    const { events } = parse(['\ufeff: hello\ndata:a\ndata:  b\nfoo: bar\ndata\n\n']);
    expect(events).toEqual([{ event: 'message', data: 'a\n b\n', id: '' }]);
  });

  it('keeps ids across events, ignores an id with NUL, publishes an id without data, drops an unfinished event', () => {
    const { events, lastEventId } = parse([
      'id: 7\ndata: a\n\ndata: b\n\nid: x\0y\ndata: c\n\nid: 9\n\ndata: torn',
    ]);
    expect(events.map((e) => [e.data, e.id])).toEqual([
      ['a', '7'],
      ['b', '7'],
      ['c', '7'],
    ]);
    expect(lastEventId).toBe('9');
  });

  it('starts from the given id, and reports only valid retry fields', () => {
    const { events, retries } = parse(['retry: 250\nretry: 1s\ndata: a\n\n'], 'abc-1');
    expect(events).toEqual([{ event: 'message', data: 'a', id: 'abc-1' }]);
    expect(retries).toEqual([250]);
  });
});
