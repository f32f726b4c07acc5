import type { EventRecord } from '@fipc/events';

const codes = { dim: 2, bold: 1, red: 31, green: 32, yellow: 33, cyan: 36 } as const;

/** Wraps `text` in an ANSI colour when `on`. */
export function paint(on: boolean, style: keyof typeof codes, text: string): string {
  return on ? `\x1b[${codes[style]}m${text}\x1b[0m` : text;
}

// Control characters (including ESC) and bidi overrides in log content must not reach a terminal raw: a
// record could otherwise move the cursor, retitle the window or disguise text.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const unsafe = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const escapes: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const bare = /^[\w.:/@+-]+$/;

/** A string as a terminal can show it: unsafe characters are written as escapes. */
export function safe(text: string): string {
  return text.replace(unsafe, (c) => escapes[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * `key=value` pairs of an event's data, cut at `width` characters: strings without spaces or quotes are
 * shown bare, everything else as compact JSON.
 */
export function summarize(data: Record<string, unknown>, width = 100): string {
  const parts = Object.entries(data).map(([key, value]) => {
    const shown = typeof value === 'string' && bare.test(value) ? value : JSON.stringify(value);
    return `${safe(key)}=${safe(shown ?? String(value))}`;
  });
  const text = parts.join(' ');
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

/** `HH:MM:SS.mmm` in local time, with the date in front when it is not today; the raw text if unparsable. */
export function formatTime(timestamp: string, now = new Date()): string {
  const date = new Date(timestamp);
  if (Number.isNaN(date.getTime())) return safe(timestamp);
  const pad = (value: number, length = 2) => String(value).padStart(length, '0');
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  const today = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  return day === today ? time : `${day} ${time}`;
}

function typeStyle(type: string): 'red' | 'green' | 'cyan' {
  if (/fail|error|reject|abort|cancel/i.test(type)) return 'red';
  if (/complete|done|succe|finish/i.test(type)) return 'green';
  return 'cyan';
}

/**
 * One line per record for people: time, type, phase (`-` when none) and a short data summary.
 *
 * @example
 * formatRecord(record, { color: false }); // "10:00:00.123  progress  build  percent=40"
 */
export function formatRecord(record: EventRecord, { color = false, now = new Date() } = {}): string {
  const type = safe(record.event_type);
  const columns = [
    paint(color, 'dim', formatTime(record.timestamp, now)),
    paint(color, typeStyle(type), type.padEnd(16)),
    paint(color, 'yellow', (record.phase === null ? '-' : safe(record.phase)).padEnd(10)),
    summarize(record.data),
  ];
  return columns.join('  ').trimEnd();
}
