// A run's event records over Server-Sent Events: the one module that knows how records arrive, so another
// client (a fetch-based one, a typed contract) can replace it. Records are keyed by their SSE id (the log's
// epoch and byte offset), never by `seq`: every writer counts its own seq, so two writers both write seq 1.
const TYPES = [
  ...['started', 'phase', 'progress', 'decision', 'completed', 'cancelled', 'failed', 'note'],
  ...['input_requested', 'input_answered', 'input_cancelled', 'input_expired'],
];
const TERMINAL = new Set(['completed', 'cancelled', 'failed']);

/**
 * Follows the records of run `runId`. Calls `onRecord(id, record)` once per record, in log order, across
 * reconnects (EventSource resends the last id; after a hard failure the id goes in the query);
 * `onReset()` when the log was replaced and is replayed from its start; `onStatus(status, detail)` with
 * 'open', 'retrying', 'ended' (after the terminal record) or 'missing' (the run does not exist).
 * Returns `{ close() }`.
 */
export function followRecords(runId, { onRecord, onReset, onStatus }) {
  const seen = new Set();
  let lastId;
  let source;
  let retry;
  let reconnects = 0;
  let closed = false;
  const close = () => {
    closed = true;
    clearTimeout(retry);
    source?.close();
  };
  const connect = () => {
    const query = lastId ? `?lastEventId=${encodeURIComponent(lastId)}` : '';
    source = new EventSource(`/api/runs/${runId}/events${query}`);
    source.onopen = () => !closed && onStatus('open', { reconnects, kept: seen.size });
    source.onerror = () => {
      if (closed) return;
      reconnects++;
      onStatus('retrying', { reconnects, kept: seen.size });
      // CLOSED: the server answered with an error rather than a stream; retry unless the run does not exist.
      if (source.readyState !== EventSource.CLOSED) return;
      retry = setTimeout(async () => {
        const res = await fetch(`/api/runs/${runId}`).catch(() => undefined);
        if (closed) return;
        if (res?.status === 400 || res?.status === 404) onStatus('missing', { reconnects, kept: seen.size });
        else connect();
      }, 1_000);
    };
    const onEvent = (event) => {
      if (closed || seen.has(event.lastEventId)) return;
      seen.add(event.lastEventId);
      lastId = event.lastEventId;
      const record = JSON.parse(event.data);
      onRecord(event.lastEventId, record);
      if (TERMINAL.has(record.event_type)) {
        close();
        onStatus('ended', { reconnects, kept: seen.size, type: record.event_type });
      }
    };
    for (const type of TYPES) source.addEventListener(type, onEvent);
    source.addEventListener('fipc:reset', () => {
      seen.clear();
      onReset();
    });
  };
  connect();
  return { close };
}
