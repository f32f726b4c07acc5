// The page: plain browser JavaScript, no build step. Lists runs through the JSON API and follows the chosen
// run's events over SSE; EventSource resends the last event id on reconnect, so nothing is lost or repeated.
const TYPES = [
  ...['started', 'phase', 'progress', 'decision', 'completed', 'cancelled', 'failed'],
  ...['input_requested', 'input_answered', 'input_cancelled', 'input_expired'],
];
const TERMINAL = new Set(['completed', 'cancelled', 'failed']);
const $ = (id) => document.getElementById(id);
/** The run on screen: { id, source, lastId, seen, done, reconnects, retry }. */
let current;

async function api(path, init = {}) {
  const res = await fetch(path, { ...init, headers: { 'content-type': 'application/json' } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error ?? `${res.status} ${res.statusText}`);
  return body;
}

function setConnection(state, text) {
  $('connection').dataset.state = state;
  $('connection').textContent = text;
}

function setProgress(percent) {
  $('progress').value = percent;
  $('progress').textContent = $('percent').textContent = `${percent}%`;
}

async function refreshRuns() {
  let runs;
  try {
    ({ runs } = await api('/api/runs'));
  } catch {
    if (!current || current.done) setConnection('reconnecting', 'Server unreachable; retrying…');
    return;
  }
  $('runs-empty').hidden = runs.length > 0;
  for (const run of runs.toReversed()) {
    let button = document.querySelector(`#runs button[data-id="${run.id}"]`);
    if (!button) {
      button = document.createElement('button');
      button.type = 'button';
      button.dataset.id = run.id;
      button.addEventListener('click', () => (location.hash = run.id));
      const item = document.createElement('li');
      item.append(button);
      $('runs').prepend(item);
    }
    const percent = 'percent' in run ? ` · ${run.percent}%` : '';
    button.textContent = `${run.title ?? run.id} · ${run.status}${percent}`;
    button.title = run.id;
    button.setAttribute('aria-current', String(run.id === current?.id));
  }
}

/** Fetches state.json through the API; calls made while one is in flight collapse into one more. */
let stateBusy = false;
let stateAgain = false;
async function refreshState() {
  if (stateBusy) {
    stateAgain = true;
    return;
  }
  stateBusy = true;
  const run = current;
  try {
    const state = await api(`/api/runs/${run.id}`);
    if (run !== current) return;
    const rows = [
      ['Status', state.status],
      ['Title', state.title],
      ['Phase', state.phase ?? '–'],
      ['Progress', state.percent === undefined ? '–' : `${state.percent}%`],
      ['Message', state.message],
      ['Worker pid', state.pid ?? '–'],
      ['Started', time(state.started_at)],
      ['Updated', time(state.updated_at)],
    ];
    $('state').replaceChildren(
      ...rows.flatMap(([name, value]) => [element('dt', name), element('dd', String(value ?? '–'))]),
    );
    $('cancel').disabled = !['starting', 'running', 'waiting'].includes(state.status);
  } catch {
    // The connection banner already says the server is unreachable; the next event refreshes again.
  } finally {
    stateBusy = false;
    if (stateAgain) {
      stateAgain = false;
      refreshState();
    }
  }
}

/** Shows the run's pending question as a form; retries briefly when an announced request is not listed yet. */
async function refreshQuestion(expected, attempt = 0) {
  const run = current;
  const { requests } = await api(`/api/runs/${run.id}/requests`).catch(() => ({ requests: [] }));
  if (run !== current) return;
  const pending = requests[0];
  if (!pending && expected && attempt < 20)
    return void setTimeout(() => refreshQuestion(expected, attempt + 1), 250);
  const form = $('question');
  if (pending && form.dataset.id !== pending.id) form.reset();
  form.hidden = !pending;
  if (!pending) return;
  form.dataset.id = pending.id;
  $('question-text').textContent = pending.question;
  $('question-details').textContent = pending.details ?? '';
}

const time = (iso) => (iso ? new Date(iso).toLocaleTimeString() : '–');

function element(tag, text) {
  const node = document.createElement(tag);
  node.textContent = text;
  return node;
}

function describe({ event_type: type, data }) {
  switch (type) {
    case 'started':
      return `"${data.title}" (worker pid ${data.pid})`;
    case 'phase':
      return data.label;
    case 'progress':
      return `${data.percent}% ${data.message}`;
    case 'input_requested':
      return `question ${data.request_id} is waiting for an answer`;
    case 'input_answered':
    case 'input_cancelled':
    case 'input_expired':
      return `question ${data.request_id}`;
    case 'decision':
      return `${data.approved ? 'approved' : 'rejected'}${data.comment ? `: ${data.comment}` : ''}`;
    case 'completed':
      return data.message;
    case 'cancelled':
      return data.reason;
    default:
      return data.error ?? JSON.stringify(data);
  }
}

function onEvent(run, event) {
  if (run !== current || run.seen.has(event.lastEventId)) return;
  run.seen.add(event.lastEventId);
  run.lastId = event.lastEventId;
  const record = JSON.parse(event.data);
  const feed = $('feed');
  const atBottom = feed.scrollTop + feed.clientHeight >= feed.scrollHeight - 8;
  const item = element('li', '');
  item.dataset.type = record.event_type;
  if (record.seq !== undefined) item.dataset.seq = record.seq;
  const time = element('time', new Date(record.timestamp).toLocaleTimeString());
  time.dateTime = record.timestamp;
  const phase = record.phase ? ` [${record.phase}]` : '';
  item.append(time, ` ${record.event_type}${phase} ${describe(record)}`);
  feed.append(item);
  if (atBottom) feed.scrollTop = feed.scrollHeight;

  if (record.event_type === 'progress') setProgress(record.data.percent);
  if (record.event_type === 'phase') refreshRuns();
  if (record.event_type === 'input_requested') refreshQuestion(record.data.request_id);
  if (/^input_(answered|cancelled|expired)$/.test(record.event_type)) $('question').hidden = true;
  if (TERMINAL.has(record.event_type)) {
    run.done = true;
    run.source.close();
    setConnection('finished', `Run ${record.event_type}: the stream is complete`);
    refreshRuns();
  }
  refreshState();
}

function connect() {
  const run = current;
  // EventSource resends Last-Event-ID by itself; a new EventSource after a hard failure passes it in the query.
  const query = run.lastId ? `?lastEventId=${encodeURIComponent(run.lastId)}` : '';
  const source = new EventSource(`/api/runs/${run.id}/events${query}`);
  run.source = source;
  source.onopen = () => {
    if (run !== current || run.done) return;
    const resumed = run.reconnects ? `; resumed after ${run.seen.size} events, none lost` : '';
    setConnection('live', `Live${resumed}`);
    refreshQuestion();
  };
  source.onerror = () => {
    if (run !== current || run.done) return;
    run.reconnects = (run.reconnects ?? 0) + 1;
    setConnection('reconnecting', `Connection lost; reconnecting… (${run.seen.size} events kept)`);
    // CLOSED: the server answered with an error rather than a stream; retry unless the run does not exist.
    if (source.readyState !== EventSource.CLOSED) return;
    run.retry = setTimeout(async () => {
      const res = await fetch(`/api/runs/${run.id}`).catch(() => undefined);
      if (run !== current) return;
      if (res?.status === 400 || res?.status === 404) setConnection('idle', `There is no run ${run.id}.`);
      else connect();
    }, 1_000);
  };
  for (const type of TYPES) source.addEventListener(type, (event) => onEvent(run, event));
  // The log was replaced under the same name: the server replays the new one from its start.
  source.addEventListener('fipc:reset', () => {
    run.seen.clear();
    $('feed').append(
      Object.assign(element('li', 'The event log was replaced; replaying it'), { className: 'notice' }),
    );
  });
}

function select(id) {
  if (!/^run-[a-z0-9]+$/.test(id) || current?.id === id) return;
  current?.source?.close();
  clearTimeout(current?.retry);
  current = { id, seen: new Set(), done: false, reconnects: 0 };
  $('run').hidden = false;
  $('run-heading').textContent = `Run ${id}`;
  $('feed').replaceChildren();
  $('run-error').textContent = '';
  $('question').hidden = true;
  setProgress(0);
  setConnection('connecting', 'Connecting…');
  connect();
  refreshState();
  refreshRuns();
}

$('start').addEventListener('click', async () => {
  $('start').disabled = true;
  try {
    const { id } = await api('/api/runs', { method: 'POST', body: '{}' });
    location.hash = id;
  } catch (error) {
    setConnection('reconnecting', `Could not start a run: ${error.message}`);
  } finally {
    $('start').disabled = false;
  }
});

$('cancel').addEventListener('click', async () => {
  try {
    await api(`/api/runs/${current.id}/cancel`, { method: 'POST', body: '{}' });
  } catch (error) {
    $('run-error').textContent = error.message;
  }
});

$('question').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const fields = new FormData(form);
  const answer = { approved: fields.get('decision') === 'approve' };
  const comment = String(fields.get('comment') ?? '').trim();
  if (comment) answer.comment = comment;
  form.querySelector('button').disabled = true;
  $('question-error').textContent = '';
  try {
    await api(`/api/runs/${current.id}/requests/${form.dataset.id}`, {
      method: 'POST',
      body: JSON.stringify(answer),
    });
    form.hidden = true;
  } catch (error) {
    $('question-error').textContent = `Not sent: ${error.message}`;
  } finally {
    form.querySelector('button').disabled = false;
  }
});

window.addEventListener('hashchange', () => select(location.hash.slice(1)));
refreshRuns();
setInterval(refreshRuns, 3_000);
select(location.hash.slice(1));
