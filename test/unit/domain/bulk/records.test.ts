import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bomLength, readCsvWindow, readJsonlWindow, type FileRecord, type WindowOptions } from '../../../../shared/domain/bulk/records';

const bytes = (s: string) => new TextEncoder().encode(s);
const all: WindowOptions = { firstRow: 1, final: true, maxRecords: 1_000 };
const cells = (rs: FileRecord[]) => rs.map((r) => r.cells);

/** Reads a whole file window by window, as the import job does, checkpointing after each. */
function readInWindows(file: Uint8Array, windowBytes: number, reader = readCsvWindow, maxRecords = 1_000): FileRecord[] {
  const out: FileRecord[] = [];
  let offset = bomLength(file);
  let row = 1;
  while (offset < file.length) {
    const end = Math.min(file.length, offset + windowBytes);
    const w = reader(file.subarray(offset, end), { firstRow: row, final: end >= file.length, maxRecords });
    if (w.consumed === 0) throw new Error(`record at ${offset} does not fit in ${windowBytes} bytes`);
    out.push(...w.records.map((r) => ({ ...r, start: r.start + offset, end: r.end + offset })));
    offset += w.consumed;
    row = w.nextRow;
  }
  return out;
}

describe('CSV records', () => {
  it('reads plain fields, quoted fields with commas, doubled quotes and line breaks', () => {
    const w = readCsvWindow(bytes('text,label\n"Hello, world","say ""hi""\nthen leave"\nplain,x\n'), all);
    expect(cells(w.records)).toEqual([
      ['text', 'label'],
      ['Hello, world', 'say "hi"\nthen leave'],
      ['plain', 'x'],
    ]);
    // Rows are numbered as records: the quoted line break does not start a new one.
    expect(w.records.map((r) => r.row)).toEqual([1, 2, 3]);
  });

  it('accepts CRLF, keeps a CR inside quotes, and reads a last line without a newline', () => {
    const w = readCsvWindow(bytes('a,b\r\n"x\r\ny",z\r\nlast,one'), all);
    expect(cells(w.records)).toEqual([
      ['a', 'b'],
      ['x\r\ny', 'z'],
      ['last', 'one'],
    ]);
  });

  it('skips a UTF-8 byte order mark, and reads multi-byte characters', () => {
    const file = new Uint8Array([0xef, 0xbb, 0xbf, ...bytes('名前,ü\n"ß,€",😀\n')]);
    expect(bomLength(file)).toBe(3);
    expect(cells(readCsvWindow(file.subarray(3), all).records)).toEqual([
      ['名前', 'ü'],
      ['ß,€', '😀'],
    ]);
    expect(bomLength(bytes('abc'))).toBe(0);
  });

  it('counts blank lines as rows but returns no record for them', () => {
    const w = readCsvWindow(bytes('h\n\nx\r\n\r\ny\n'), all);
    expect(w.records.map((r) => [r.row, r.cells[0]])).toEqual([
      [1, 'h'],
      [3, 'x'],
      [5, 'y'],
    ]);
    expect(w.nextRow).toBe(6);
  });

  it('keeps empty cells, including a trailing one', () => {
    expect(cells(readCsvWindow(bytes('a,,c,\n'), all).records)).toEqual([['a', '', 'c', '']]);
  });

  it('reports bytes after a closing quote and goes on with the next line', () => {
    const w = readCsvWindow(bytes('"ok",1\n"bad"x,2\nnext,3\n'), all);
    expect(w.records.map((r) => [r.row, r.malformed ?? null])).toEqual([
      [1, null],
      [2, 'unexpected characters after a closing quote'],
      [3, null],
    ]);
    expect(w.records[2]!.cells).toEqual(['next', '3']);
  });

  it('reports a quote never closed at the end of the file', () => {
    const w = readCsvWindow(bytes('a,b\n"open,1\nmore\n'), all);
    expect(w.records[1]).toMatchObject({ row: 2, malformed: 'a quoted field is never closed' });
    expect(w.consumed).toBe(w.records[1]!.end);
  });

  it('reports invalid UTF-8 as a malformed row and reads on', () => {
    const file = new Uint8Array([...bytes('a,b\n'), 0xff, 0xfe, ...bytes(',x\nc,d\n')]);
    const w = readCsvWindow(file, all);
    expect(w.records.map((r) => r.malformed ?? r.cells.join('|'))).toEqual(['a|b', 'the row is not valid UTF-8', 'c|d']);
  });

  it('leaves an incomplete last record for the next window', () => {
    const file = bytes('a,b\n"multi\nline",x\n');
    const w = readCsvWindow(file.subarray(0, 12), { ...all, final: false });
    expect(cells(w.records)).toEqual([['a', 'b']]);
    expect(w.consumed).toBe(4);
    expect(w.nextRow).toBe(2);
    // A closing quote as the window's last byte may be the first half of "": wait for more.
    expect(readCsvWindow(bytes('"x"'), { ...all, final: false }).records).toEqual([]);
    expect(readCsvWindow(bytes('x,y\r'), { ...all, final: false }).records).toEqual([]);
  });

  it('stops after maxRecords and says how far it got', () => {
    const w = readCsvWindow(bytes('1\n2\n3\n4\n'), { ...all, maxRecords: 2 });
    expect(cells(w.records)).toEqual([['1'], ['2']]);
    expect(w.consumed).toBe(4);
    expect(w.nextRow).toBe(3);
  });

  it('reads the same records whatever the window size (property)', () => {
    const cell = fc.oneof(fc.string(), fc.constantFrom('', ',', '"', '\n', '\r\n', 'ü,"x"', '😀'));
    const quote = (c: string) => (/[",\r\n]/.test(c) || c === '' ? `"${c.replace(/"/g, '""')}"` : c);
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 20 }),
        fc.boolean(),
        fc.integer({ min: 8, max: 64 }),
        (rows, crlf, windowBytes) => {
          const text = rows.map((r) => r.map(quote).join(',')).join(crlf ? '\r\n' : '\n');
          const file = bytes(text);
          const expected = rows.map((r) => r);
          const whole = readCsvWindow(file, all).records;
          expect(cells(whole)).toEqual(expected);
          const longest = Math.max(...whole.map((r) => r.end - r.start));
          const windowed = readInWindows(file, Math.max(windowBytes, longest + 1));
          expect(cells(windowed)).toEqual(expected);
          expect(windowed.map((r) => r.row)).toEqual(whole.map((r) => r.row));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('JSONL records', () => {
  it('reads one line per record with LF or CRLF, skipping blank lines but counting them', () => {
    const w = readJsonlWindow(bytes('{"input":{"a":1}}\r\n\n  \n{"input":{"b":"x\\ny"}}'), all);
    expect(w.records.map((r) => [r.row, r.cells[0]])).toEqual([
      [1, '{"input":{"a":1}}'],
      [4, '{"input":{"b":"x\\ny"}}'],
    ]);
  });

  it('leaves a line without its newline for the next window unless it is the last', () => {
    const file = bytes('{"input":{}}\n{"inp');
    expect(readJsonlWindow(file, { ...all, final: false }).consumed).toBe(13);
    expect(readJsonlWindow(file, all).records).toHaveLength(2);
  });

  it('reports a line that is not UTF-8', () => {
    const w = readJsonlWindow(new Uint8Array([0xc3, 0x28, 0x0a]), all);
    expect(w.records[0]).toMatchObject({ row: 1, malformed: 'the line is not valid UTF-8' });
  });
});
