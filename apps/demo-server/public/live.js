// The runs as the server holds them (GET /api/runs/live): one view per run, the same snapshot for the list, the
// state panel, the progress bar and the question form, so they never disagree.

/**
 * Follows the runs. `onChange(runs)` gets a Map of run id to view after every change; `onConnection(up)` says
 * whether the stream is current (`true` once the full list arrived, `false` while reconnecting).
 * Returns `{ runs, loaded(), add(view) }`; `add` shows a run the page just created before the stream names it.
 */
export function followRuns({ onChange, onConnection }) {
  const runs = new Map();
  let loaded = false;
  let source;
  const on = (type, handle) =>
    source.addEventListener(type, (event) => {
      handle(JSON.parse(event.data));
      onChange(runs);
    });
  const connect = () => {
    source = new EventSource('/api/runs/live');
    source.onerror = () => {
      onConnection(false);
      // CLOSED: an error answer rather than a stream (EventSource gives up on those); try again.
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, 1_000);
    };
    on('runs', (body) => {
      runs.clear();
      for (const run of body.runs) runs.set(run.id, run);
      loaded = true;
      onConnection(true);
    });
    on('run', (run) => runs.set(run.id, run));
    on('deleted', ({ id }) => runs.delete(id));
  };
  connect();
  return {
    runs,
    loaded: () => loaded,
    add(view) {
      if (runs.has(view.id)) return;
      runs.set(view.id, view);
      onChange(runs);
    },
  };
}
