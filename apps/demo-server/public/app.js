// The page: plain browser JavaScript, no build step. Everything about a run's state (the list, the heading, the
// progress bar, the state panel, the question form, the pill) is drawn in one go from the one view the server
// streams (live.js), so no two of them can disagree; the event feed comes from the run's log (records.js).
import { appendRecord } from './feed.js';
import { followRuns } from './live.js';
import { followRecords } from './records.js';

const FINAL = new Set(['completed', 'cancelled', 'failed']);
const ACTIVE = new Set(['starting', 'running', 'waiting']);
const $ = (id) => document.getElementById(id);
/** The run chosen in the URL: { id, records, stream, kept, reconnects, question, asked, answered }. */
let current;
let connected = false;

const store = followRuns({
  onChange: render,
  onConnection(up) {
    connected = up;
    render();
  },
});

async function api(path, init = {}) {
  const res = await fetch(path, { ...init, headers: { 'content-type': 'application/json' } });
  const body = res.status === 204 ? {} : await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error ?? `${res.status} ${res.statusText}`);
  return body;
}

const percentOf = (run) => (run.percent === undefined ? '–' : `${run.percent}%`);
const time = (iso) => (iso ? new Date(iso).toLocaleTimeString() : '–');

function element(tag, text, { dataset = {}, ...properties } = {}) {
  const node = Object.assign(document.createElement(tag), properties);
  Object.assign(node.dataset, dataset);
  node.textContent = text;
  return node;
}

function render() {
  const id = location.hash.slice(1);
  if (current?.id !== id) select(id);
  // A run on a page not loaded (a link to an old run) is fetched by its id.
  const found = id && store.loaded() ? store.lookup(id) : undefined;
  renderList();
  const run = id ? store.runs.get(id) : undefined;
  $('no-run').hidden = !(found === 'missing' && !run);
  $('no-run-id').textContent = id;
  $('run').hidden = !run;
  $('run').dataset.stale = String(!connected); // the last view the server sent; the pill says it is not current
  if (run) renderRun(run);
  renderPill(id, run, found);
}

function renderList() {
  const { runs, total, more } = store.shown();
  // The chosen run from an older page than those loaded: listed too, last (it is older than all of them).
  const chosen = current?.id ? store.runs.get(current.id) : undefined;
  if (chosen && !runs.includes(chosen)) runs.push(chosen);
  $('runs-empty').hidden = runs.length > 0;
  $('runs-count').hidden = total === 0;
  $('runs-count').textContent = `${runs.length.toLocaleString('en')} of ${total.toLocaleString('en')} runs`;
  $('more').hidden = !more;
  const items = runs.map((run) => {
    let item = document.querySelector(`#runs li[data-id="${run.id}"]`);
    if (!item) {
      item = element('li', '', { dataset: { id: run.id } });
      const button = element('button', '', { type: 'button', title: run.id });
      button.addEventListener('click', () => (location.hash = run.id));
      item.append(button);
    }
    const button = item.firstChild;
    Object.assign(button.dataset, { status: run.status, percent: percentOf(run) });
    button.textContent = `${run.title} · ${run.status} · ${percentOf(run)}`;
    button.setAttribute('aria-current', String(run.id === current?.id));
    return item;
  });
  const list = $('runs');
  if (items.some((item, index) => list.children[index] !== item) || list.children.length !== items.length) {
    list.replaceChildren(...items);
  }
}

function renderRun(run) {
  $('run-title').textContent = run.title;
  $('run-id').textContent = run.id;
  $('progress').value = run.percent ?? 0;
  $('progress').textContent = $('percent').textContent = percentOf(run);
  const worker = run.pid === undefined ? '–' : `pid ${run.pid}, ${run.live ? 'alive' : 'gone'}`;
  const rows = [
    ['status', 'Status', run.status],
    ['title', 'Title', run.title],
    ['phase', 'Phase', run.phase ?? '–'],
    ['percent', 'Progress', percentOf(run)],
    ['message', 'Message', run.message],
    ['worker', 'Worker', worker],
    ['started', 'Started', time(run.started_at)],
    ['updated', 'Updated', time(run.updated_at)],
  ];
  $('state').replaceChildren(
    ...rows.flatMap(([field, name, value]) => [
      element('dt', name),
      element('dd', String(value ?? '–'), { dataset: { field } }),
    ]),
  );
  $('cancel').disabled = !(run.live && ACTIVE.has(run.status));
  $('delete').disabled = run.live;
  // A worker found dead (or done) writes nothing more: stop following its log.
  if (!run.live && !FINAL.has(run.status)) {
    current.stream?.close();
    current.records = 'closed';
  } else if (!current.stream) followRun(run.id);

  const waiting = run.live && run.status === 'waiting' ? run.request_id : undefined;
  if (waiting && current.asked !== waiting) askQuestion(waiting);
  const question = current.question;
  const form = $('question');
  const show = Boolean(waiting && question?.id === waiting && current.answered !== waiting);
  if (show && form.dataset.id !== question.id) {
    form.reset();
    form.dataset.id = question.id;
    $('question-text').textContent = question.question;
    $('question-details').textContent = question.details ?? '';
  }
  form.hidden = !show;
}

function renderPill(id, run, found) {
  const [state, text] = !id
    ? ['idle', 'Choose or start a run.']
    : !store.loaded() || found === 'pending'
      ? ['connecting', 'Connecting…']
      : !run
        ? ['idle', `There is no run ${id}.`]
        : !connected || current.records === 'retrying'
          ? ['reconnecting', `Connection lost; reconnecting… (${current.kept} events kept)`]
          : run.status === 'lost'
            ? ['lost', `Lost: ${run.message}`]
            : FINAL.has(run.status)
              ? ['finished', `Run ${run.status}: the stream is complete`]
              : current.records === 'open'
                ? [
                    'live',
                    `Live${current.reconnects ? `; resumed after ${current.kept} events, none lost` : ''}`,
                  ]
                : ['connecting', 'Connecting…'];
  $('connection').dataset.state = state;
  $('connection').textContent = text;
}

function select(id) {
  current?.stream?.close();
  current = { id, records: 'connecting', kept: 0, reconnects: 0 };
  $('feed').replaceChildren();
  $('run-error').textContent = '';
  $('question').hidden = true;
  delete $('question').dataset.id;
}

function followRun(id) {
  const run = current;
  run.stream = followRecords(id, {
    onRecord(eventId, record) {
      if (run === current) appendRecord($('feed'), eventId, record);
    },
    onReset() {
      if (run !== current) return;
      $('feed').append(element('li', 'The event log was replaced; replaying it', { className: 'notice' }));
    },
    onStatus(status, { reconnects, kept }) {
      if (run !== current) return;
      Object.assign(run, { records: status, reconnects, kept });
      render();
    },
  });
}

/** Fetches the text of the question the run's state names (its file is written before the state says so). */
async function askQuestion(requestId, attempt = 0) {
  const run = current;
  run.asked = requestId;
  const { requests } = await api(`/api/runs/${run.id}/requests`).catch(() => ({ requests: [] }));
  if (run !== current) return;
  run.question = requests.find((request) => request.id === requestId);
  if (!run.question && attempt < 10) return void setTimeout(() => askQuestion(requestId, attempt + 1), 300);
  render();
}

/** Runs an action on the current run; its error, if any, is shown under the progress bar. */
async function act(what, action) {
  const run = current;
  $('run-error').textContent = '';
  try {
    await action(run);
  } catch (error) {
    if (run === current) $('run-error').textContent = `${what}: ${error.message}`;
  }
}

$('new-run').addEventListener('submit', async (event) => {
  event.preventDefault();
  const title = $('title').value.trim();
  $('start').disabled = true;
  try {
    const run = await api('/api/runs', { method: 'POST', body: JSON.stringify(title ? { title } : {}) });
    store.add(run);
    $('title').value = '';
    location.hash = run.id;
  } catch (error) {
    $('connection').dataset.state = 'reconnecting';
    $('connection').textContent = `Could not start a run: ${error.message}`;
  } finally {
    $('start').disabled = false;
  }
});

$('more').addEventListener('click', () => store.more());

$('cancel').addEventListener('click', () =>
  act('Not cancelled', (run) => api(`/api/runs/${run.id}/cancel`, { method: 'POST', body: '{}' })),
);

$('delete').addEventListener('click', () =>
  act('Not deleted', async (run) => {
    await api(`/api/runs/${run.id}`, { method: 'DELETE' });
    if (run === current) location.hash = '';
  }),
);

$('question').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const fields = new FormData(form);
  const answer = { approved: fields.get('decision') === 'approve' };
  const comment = String(fields.get('comment') ?? '').trim();
  if (comment) answer.comment = comment;
  const requestId = form.dataset.id;
  form.querySelector('button').disabled = true;
  act('Answer not sent', async (run) => {
    await api(`/api/runs/${run.id}/requests/${requestId}`, { method: 'POST', body: JSON.stringify(answer) });
    run.answered = requestId;
  }).finally(() => {
    form.querySelector('button').disabled = false;
    render();
  });
});

window.addEventListener('hashchange', render);
render();
