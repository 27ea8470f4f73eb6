/**
 * Record readers for bulk import files, over bytes. The import job reads its file in ranged
 * windows and checkpoints a byte offset, so a reader takes one window, returns the complete
 * records in it with where each one ends, and leaves an incomplete last record for the next window.
 * The separators (`,` `"` CR LF) are ASCII and never occur inside a UTF-8 multi-byte sequence, so
 * splitting on bytes and decoding each field is exact.
 */

export interface FileRecord {
  /**
   * The record's number in the file as a spreadsheet or an editor shows it: CSV counts the header
   * as row 1, JSONL counts lines. Blank lines are counted and skipped.
   */
  row: number;
  /** Byte offsets in the window: where the record starts and just past its line terminator. */
  start: number;
  end: number;
  /** CSV: the cells; JSONL: the line as its only element. */
  cells: string[];
  /** Why the record cannot be read (unterminated quote, bytes after a closing quote, bad UTF-8). */
  malformed?: string;
}

export interface WindowOptions {
  /** The number of the first record in the window (the checkpointed row + 1). */
  firstRow: number;
  /** True when the window reaches the end of the file: a last record without a newline is complete. */
  final: boolean;
  /** Stop after this many records (blank lines do not count). */
  maxRecords: number;
}

export interface WindowResult {
  records: FileRecord[];
  /** Bytes of the window consumed by the returned records and skipped blank lines. */
  consumed: number;
  /** The number the next record will have. */
  nextRow: number;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The length of a UTF-8 byte order mark at the start of `bytes`, 0 when there is none. */
export function bomLength(bytes: Uint8Array): number {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
}

function decode(bytes: Uint8Array, from: number, to: number): string {
  return utf8.decode(bytes.subarray(from, to));
}

/** Index of the next LF at or after `from`, or -1. */
function nextLineFeed(bytes: Uint8Array, from: number): number {
  return bytes.indexOf(LF, from);
}

type CsvRecord = { end: number; cells: string[]; malformed?: string; blank: boolean } | 'incomplete';

/**
 * Reads one RFC 4180 record starting at `start`: fields separated by commas, optionally quoted
 * with `"` (a quote inside is doubled), records ended by LF or CRLF; quoted fields may hold
 * commas and line breaks. A quote inside an unquoted field is taken literally, as spreadsheets do.
 */
function readCsvRecord(bytes: Uint8Array, start: number, final: boolean): CsvRecord {
  const cells: string[] = [];
  let i = start;
  for (;;) {
    if (bytes[i] === QUOTE) {
      let value = '';
      let from = i + 1;
      for (;;) {
        const q = bytes.indexOf(QUOTE, from);
        if (q === -1) {
          if (!final) return 'incomplete';
          return { end: bytes.length, cells, malformed: 'a quoted field is never closed', blank: false };
        }
        if (q + 1 >= bytes.length && !final) return 'incomplete'; // is it "" or the closing quote? the next window tells
        value += decode(bytes, from, q);
        if (bytes[q + 1] === QUOTE) {
          value += '"';
          from = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      cells.push(value);
      const c = bytes[i];
      if (i >= bytes.length) {
        if (!final) return 'incomplete';
        return { end: i, cells, blank: false };
      }
      if (c === COMMA) {
        i++;
        continue;
      }
      if (c === LF) return { end: i + 1, cells, blank: false };
      if (c === CR && i + 1 < bytes.length && bytes[i + 1] === LF) return { end: i + 2, cells, blank: false };
      if (c === CR && i + 1 >= bytes.length && !final) return 'incomplete';
      // Bytes after a closing quote: the record is unreadable; skip to the end of its line.
      const lf = nextLineFeed(bytes, i);
      if (lf === -1 && !final) return 'incomplete';
      return { end: lf === -1 ? bytes.length : lf + 1, cells, malformed: 'unexpected characters after a closing quote', blank: false };
    }
    let j = i;
    while (j < bytes.length && bytes[j] !== COMMA && bytes[j] !== LF) j++;
    if (j >= bytes.length && !final) return 'incomplete';
    const atLineEnd = j >= bytes.length || bytes[j] === LF;
    const to = atLineEnd && j > i && bytes[j - 1] === CR ? j - 1 : j;
    cells.push(decode(bytes, i, to));
    if (!atLineEnd) {
      i = j + 1;
      continue;
    }
    const end = j >= bytes.length ? j : j + 1;
    return { end, cells, blank: cells.length === 1 && cells[0] === '' };
  }
}

/** The complete CSV records of a window. */
export function readCsvWindow(bytes: Uint8Array, opts: WindowOptions): WindowResult {
  const records: FileRecord[] = [];
  let pos = 0;
  let row = opts.firstRow;
  while (pos < bytes.length && records.length < opts.maxRecords) {
    let r: CsvRecord;
    try {
      r = readCsvRecord(bytes, pos, opts.final);
    } catch {
      // Invalid UTF-8 in a field: report the record and resume after its line.
      const lf = nextLineFeed(bytes, pos);
      if (lf === -1 && !opts.final) break;
      r = { end: lf === -1 ? bytes.length : lf + 1, cells: [], malformed: 'the row is not valid UTF-8', blank: false };
    }
    if (r === 'incomplete') break;
    if (!r.blank) records.push({ row, start: pos, end: r.end, cells: r.cells, ...(r.malformed ? { malformed: r.malformed } : {}) });
    row++;
    pos = r.end;
  }
  return { records, consumed: pos, nextRow: row };
}

/** The complete lines of a JSONL window; blank lines are counted and skipped. */
export function readJsonlWindow(bytes: Uint8Array, opts: WindowOptions): WindowResult {
  const records: FileRecord[] = [];
  let pos = 0;
  let row = opts.firstRow;
  while (pos < bytes.length && records.length < opts.maxRecords) {
    const lf = nextLineFeed(bytes, pos);
    if (lf === -1 && !opts.final) break;
    const end = lf === -1 ? bytes.length : lf + 1;
    let to = lf === -1 ? bytes.length : lf;
    if (to > pos && bytes[to - 1] === CR) to--;
    let text: string | undefined;
    try {
      text = decode(bytes, pos, to);
    } catch {
      text = undefined;
    }
    if (text === undefined) records.push({ row, start: pos, end, cells: [], malformed: 'the line is not valid UTF-8' });
    else if (text.trim() !== '') records.push({ row, start: pos, end, cells: [text] });
    row++;
    pos = end;
  }
  return { records, consumed: pos, nextRow: row };
}
