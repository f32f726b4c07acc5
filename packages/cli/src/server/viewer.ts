/**
 * A page that shows the stream live in a browser. It reads the SSE bytes with `fetch` rather than
 * `EventSource`, because every record arrives under its own event name, which `EventSource` can only
 * receive by knowing the names in advance.
 */
export function viewerPage(title: string): string {
  const escaped = title.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>fipc: ${escaped}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:13px/1.45 ui-monospace,monospace;margin:0;background:#111;color:#ddd}
header{position:sticky;top:0;background:#222;padding:6px 10px;border-bottom:1px solid #333}
table{border-collapse:collapse;width:100%}td{padding:2px 10px;vertical-align:top;white-space:pre-wrap}
.t{color:#888}.e{color:#6cf}.p{color:#db6}.d{color:#ccc;word-break:break-all}
</style></head><body>
<header>fipc serve: <b>${escaped}</b> <span id="s">connecting</span></header>
<table><tbody id="b"></tbody></table>
<script type="module">
const body = document.getElementById('b'), status = document.getElementById('s');
const token = new URLSearchParams(location.search).get('token');
let last = null;
function row(record) {
  const tr = document.createElement('tr');
  const time = new Date(record.timestamp);
  for (const [cls, text] of [['t', isNaN(time) ? record.timestamp : time.toLocaleTimeString()],
      ['e', record.event_type], ['p', record.phase ?? '-'], ['d', JSON.stringify(record.data)]]) {
    const td = document.createElement('td'); td.className = cls; td.textContent = text; tr.append(td);
  }
  body.append(tr);
  if (innerHeight + scrollY >= document.body.offsetHeight - 40) scrollTo(0, document.body.scrollHeight);
}
async function connect() {
  const headers = { Accept: 'text/event-stream' };
  if (token) headers.Authorization = 'Bearer ' + token;
  if (last) headers['Last-Event-ID'] = last;
  const response = await fetch('events', { headers });
  if (response.status === 204) { status.textContent = 'finished'; return; }
  if (!response.ok) throw new Error(response.status + ' ' + response.statusText);
  status.textContent = 'live';
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value.replace(/\\r\\n?/g, '\\n');
    let end;
    while ((end = buffer.indexOf('\\n\\n')) >= 0) {
      const block = buffer.slice(0, end); buffer = buffer.slice(end + 2);
      let id = null, event = 'message', data = [];
      for (const line of block.split('\\n')) {
        const [field, ...rest] = line.split(':'); const value = rest.join(':').replace(/^ /, '');
        if (field === 'id') id = value; else if (field === 'event') event = value; else if (field === 'data') data.push(value);
      }
      if (id) last = id;
      if (data.length && !event.startsWith('fipc:')) row(JSON.parse(data.join('\\n')));
    }
  }
  status.textContent = 'reconnecting';
  setTimeout(run, 1000);
}
function run() { connect().catch((error) => { status.textContent = String(error.message) + ', retrying'; setTimeout(run, 3000); }); }
run();
</script></body></html>
`;
}
