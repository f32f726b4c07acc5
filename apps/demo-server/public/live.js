// The runs as the server holds them (GET /api/runs/live): one view per run, the same snapshot for the list, the
// state panel, the progress bar and the question form, so they never disagree. The stream starts with the newest
// page of runs and then names every change of any run; older pages are fetched on demand (GET /api/runs?before=).

/**
 * Follows the runs. `onChange()` is called after every change; `onConnection(up)` says whether the stream is
 * current (`true` once the first page arrived, `false` while reconnecting). Returns:
 * - `runs`: a Map of run id to view: the loaded pages, runs looked up by id, and any run the stream changed;
 * - `shown()`: the loaded pages' runs (newest first), `total` (how many runs there are) and `more` (older remain);
 * - `more()`: loads the next older page; `lookup(id)`: `'held'`, `'pending'` (fetching it now) or `'missing'`;
 * - `loaded()`, and `add(view)` to show a run the page just created before the stream names it.
 */
export function followRuns({ onChange, onConnection }) {
  const runs = new Map();
  /** Deleted since the stream connected: a page or run fetched meanwhile must not bring them back. */
  const gone = new Set();
  const lookups = new Map();
  let page = { next: null, total: 0 }; // `next`: the oldest loaded run's id while older ones remain
  let loaded = false;
  let loading = false;
  let generation = 0; // a reconnection starts from a fresh page: answers to older requests are dropped
  let source;
  const on = (type, handle) =>
    source.addEventListener(type, (event) => {
      handle(JSON.parse(event.data));
      onChange();
    });
  const keep = (run) => {
    if (!runs.has(run.id) && !gone.has(run.id)) runs.set(run.id, run);
  };
  const connect = () => {
    source = new EventSource('/api/runs/live');
    source.onerror = () => {
      onConnection(false);
      // CLOSED: an error answer rather than a stream (EventSource gives up on those); try again.
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, 1_000);
    };
    on('runs', (first) => {
      generation++;
      runs.clear();
      gone.clear();
      lookups.clear();
      for (const run of first.runs) runs.set(run.id, run);
      page = { next: first.next, total: first.total };
      loaded = true;
      onConnection(true);
    });
    on('run', (run) => runs.set(run.id, run));
    on('deleted', ({ id }) => {
      runs.delete(id);
      gone.add(id);
    });
    on('total', ({ total }) => (page.total = total));
  };
  connect();

  /** GETs `path` as JSON for the current stream; `undefined` when the stream reconnected meanwhile. */
  async function fetchCurrent(path) {
    const asked = generation;
    const res = await fetch(path);
    const body = res.ok ? await res.json() : { status: res.status };
    return asked === generation ? body : undefined;
  }

  return {
    runs,
    loaded: () => loaded,
    shown() {
      const all = [...runs.values()].filter((run) => page.next === null || run.id >= page.next);
      return {
        runs: all.sort((a, b) => (a.id < b.id ? 1 : -1)),
        total: page.total,
        more: page.next !== null,
      };
    },
    async more() {
      if (loading || page.next === null) return;
      loading = true;
      try {
        const older = await fetchCurrent(`/api/runs?before=${encodeURIComponent(page.next)}`);
        if (!older?.runs) return;
        for (const run of older.runs) keep(run);
        page.next = older.next;
      } finally {
        loading = false;
        onChange();
      }
    },
    lookup(id) {
      if (runs.has(id)) return 'held';
      if (!lookups.has(id)) {
        lookups.set(id, 'pending');
        void fetchCurrent(`/api/runs/${encodeURIComponent(id)}`).then(
          (run) => {
            if (!run) return;
            if (run.id) keep(run);
            lookups.set(id, runs.has(id) ? 'held' : 'missing');
            onChange();
          },
          () => lookups.delete(id),
        ); // not reached: asked again at the next change
      }
      return lookups.get(id) === 'pending' ? 'pending' : 'missing';
    },
    add(view) {
      if (runs.has(view.id)) return;
      runs.set(view.id, view);
      onChange();
    },
  };
}
