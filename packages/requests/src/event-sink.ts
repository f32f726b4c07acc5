/**
 * Where request lifecycle events go: any object with an `emit` like `@fipc/events`' `EventLog` (structural, so
 * this package needs no dependency on it). Events: `input_requested`, `input_answered`, `input_cancelled`,
 * `input_expired`, each with `request_id` in `data`.
 *
 * @example
 * const events: EventSink = openEventLog(join(dir, 'events.jsonl'));
 * await request(dir, { question: 'deploy?' }, { events });
 */
export interface EventSink {
  /** Appends one lifecycle event; a rejection is reported as a process warning, never fails the request. */
  emit(type: string, options?: { phase?: string | null; data?: Record<string, unknown> }): Promise<unknown>;
}

/** Emits without ever failing the request: a broken event log is reported as a process warning. */
export async function emitQuietly(
  sink: EventSink | undefined,
  type: string,
  data: Record<string, unknown>,
): Promise<void> {
  if (!sink) return;
  try {
    await sink.emit(type, { data });
  } catch (error) {
    process.emitWarning(`@fipc/requests could not emit ${type}: ${(error as Error)?.message ?? error}`);
  }
}
