// The event feed: one line per record of the run's log, in log order.

function element(tag, text, dataset = {}) {
  const node = document.createElement(tag);
  Object.assign(node.dataset, dataset);
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
    case 'note':
      return data.text ?? JSON.stringify(data);
    default:
      return data.error ?? JSON.stringify(data);
  }
}

/** Appends one record to the feed, keyed by its SSE id; keeps the feed scrolled to the end if it was. */
export function appendRecord(feed, eventId, record) {
  const atBottom = feed.scrollTop + feed.clientHeight >= feed.scrollHeight - 8;
  const item = element('li', '', { id: eventId, type: record.event_type });
  const at = element('time', new Date(record.timestamp).toLocaleTimeString());
  at.dateTime = record.timestamp;
  const phase = record.phase ? ` [${record.phase}]` : '';
  item.append(at, ` ${record.event_type}${phase} ${describe(record)}`);
  feed.append(item);
  if (atBottom) feed.scrollTop = feed.scrollHeight;
}
