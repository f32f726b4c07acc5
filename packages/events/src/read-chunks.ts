import type { FileHandle } from 'node:fs/promises';
import type { EventEntry, LineScanner } from './line-scanner.js';

const CHUNK_BYTES = 64 * 1024;

/**
 * Reads `handle` from `position` to its current end through `scanner`, yielding entries chunk by chunk.
 * Returns the position reached. The buffer is reused: the scanner copies what it keeps.
 */
export async function* readChunks(
  handle: FileHandle,
  position: number,
  scanner: LineScanner,
  buffer: Buffer = Buffer.allocUnsafe(CHUNK_BYTES),
): AsyncGenerator<EventEntry[], number> {
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) return position;
    position += bytesRead;
    const entries = scanner.scan(buffer.subarray(0, bytesRead));
    if (entries.length > 0) yield entries;
  }
}

/**
 * Where reading may start at `from`: `from` itself when it begins a line, else the start of the next line
 * (returned with how many bytes were passed over). Guards against a bad offset yielding half a line.
 */
export async function alignToLine(
  handle: FileHandle,
  from: number,
): Promise<{ position: number; skipped: number }> {
  if (from === 0) return { position: 0, skipped: 0 };
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let position = from - 1;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) return { position, skipped: position - from };
    const nl = buffer.subarray(0, bytesRead).indexOf(10);
    if (nl !== -1) return { position: position + nl + 1, skipped: position + nl + 1 - from };
    position += bytesRead;
  }
}
