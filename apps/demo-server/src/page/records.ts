// A run's event records for the page, through `@fipc/sse/client` typed by the worker's contract: the one module
// that knows how records arrive. The server bundles it for the browser (page-bundle.ts) and serves it as
// /records.js. Records are keyed by their SSE id (the log's epoch and byte offset), never by `seq`: every writer
// counts its own seq, so two writers both write seq 1.
import { contract, TERMINAL_EVENTS } from '@fipc/demo-worker/contract';
import { type RecordOf, SseError, subscribe } from '@fipc/sse/client';

/** A record of a run's log, typed by the contract (narrow on `event_type`). */
export type RunRecord = RecordOf<typeof contract.events>;

/** Where the records of a run stand: `ended` after the terminal record, `missing` for a run that is not there. */
export type RecordsStatus = 'open' | 'retrying' | 'ended' | 'missing';

/** What {@link followRecords} tells the page. */
export interface RecordsHandlers {
  /** Once per record, in log order, across reconnections. */
  onRecord(id: string, record: RunRecord): void;
  /** The log was replaced: what follows is replayed from its start. */
  onReset(): void;
  onStatus(status: RecordsStatus, detail: { reconnects: number; kept: number; type?: string }): void;
}

/**
 * Follows the records of run `runId` until its terminal record or `close()`: validated by the contract, resumed
 * by `Last-Event-ID` after any drop (a server restart included), each exactly once.
 */
export function followRecords(runId: string, { onRecord, onReset, onStatus }: RecordsHandlers) {
  const controller = new AbortController();
  let reconnects = 0;
  let kept = 0;
  const stream = subscribe(`/api/runs/${encodeURIComponent(runId)}/events`, {
    events: contract.events,
    terminal: [...TERMINAL_EVENTS],
    signal: controller.signal,
    maxRetryMs: 5_000,
    onOpen: () => onStatus('open', { reconnects, kept }),
    onRetry: () => {
      reconnects++;
      onStatus('retrying', { reconnects, kept });
    },
    onReset: () => {
      kept = 0;
      onReset();
    },
    onSkip: ({ reason }) => console.warn(`run ${runId}: ${reason}`),
  });
  void (async () => {
    let last: RunRecord | undefined;
    try {
      for await (const record of stream) {
        kept++;
        last = record;
        onRecord(stream.lastEventId, record);
      }
      if (!controller.signal.aborted) onStatus('ended', { reconnects, kept, type: last?.event_type });
    } catch (error) {
      // A refusal for good: the run is not there (404), or its id is malformed (400).
      if (!(error instanceof SseError)) throw error;
      onStatus('missing', { reconnects, kept });
    }
  })();
  return { close: () => controller.abort() };
}
