import type { AnswerSpec } from '../../../../shared/domain/marketplace/answer-spec';
import { describe, expect, it } from 'vitest';
import { validateRow } from '../../../../shared/app/bulk-import';
import { csvColumns, csvRowToInput, jsonlLineToInput, type Column } from '../../../../shared/domain/bulk/import-rows';
import { exportHeader, exportLine, mergeReport } from '../../../../shared/domain/bulk/jobs';
import { readCsvWindow } from '../../../../shared/domain/bulk/records';
import type { FileRecord } from '../../../../shared/domain/bulk/records';

const rec = (row: number, cells: string[], malformed?: string): FileRecord => ({ row, start: 0, end: 0, cells, ...(malformed ? { malformed } : {}) });
const columnsOf = (headers: string[]): Column[] => {
  const r = csvColumns(headers);
  if (!('columns' in r)) throw new Error(JSON.stringify(r.issues));
  return r.columns;
};

describe('CSV header', () => {
  it('maps dotted headers to nested input fields and trims names', () => {
    expect(columnsOf([' text ', 'meta.source', 'meta.lang']).map((c) => c.path)).toEqual([['text'], ['meta', 'source'], ['meta', 'lang']]);
  });

  it('takes one gold column for the expected answer and refuses nested gold columns, which would read as input', () => {
    expect(columnsOf(['text', 'gold']).map((c) => c.header)).toEqual(['text', 'gold']);
    const r = csvColumns(['text', 'gold.label']);
    expect('issues' in r && r.issues[0]).toMatchObject({ row: 1, field: 'gold.label' });
  });

  it('refuses empty, duplicate, conflicting, reserved and overlong names, naming each', () => {
    const r = csvColumns(['a', '', 'a', 'a.b', 'x..y', '__proto__.z', 'n'.repeat(101)]);
    expect('issues' in r).toBe(true);
    if (!('issues' in r)) return;
    expect(r.issues.map((i) => i.field)).toEqual(['column 2', 'a', 'a.b', 'x..y', '__proto__.z', 'n'.repeat(101)]);
    expect(r.issues.map((i) => i.row)).toEqual([1, 1, 1, 1, 1, 1]);
  });
});

describe('CSV rows', () => {
  const columns = columnsOf(['text', 'meta.source', 'meta.lang']);

  it('builds the input, leaving empty cells out', () => {
    expect(csvRowToInput(columns, rec(2, ['hi', 'web', '']))).toEqual({ row: 2, input: { text: 'hi', meta: { source: 'web' } } });
  });

  it('reads the gold column as the JSON expected answer, never as input', () => {
    const gold = columnsOf(['text', 'gold']);
    expect(csvRowToInput(gold, rec(2, ['hi', '{"choice":"yes"}']))).toEqual({ row: 2, input: { text: 'hi' }, gold: { answer: { choice: 'yes' } } });
    expect(csvRowToInput(gold, rec(3, ['hi', '']))).toEqual({ row: 3, input: { text: 'hi' } });
    expect(csvRowToInput(gold, rec(4, ['hi', 'yes']))).toMatchObject({ issues: [{ row: 4, field: 'gold' }] });
    expect(csvRowToInput(gold, rec(5, ['', '{"choice":"yes"}']))).toMatchObject({ issues: [{ row: 5, message: 'the row has an expected answer but no input' }] });
  });

  it('reports a wrong number of cells, an all-empty row and a malformed record', () => {
    expect(csvRowToInput(columns, rec(3, ['a', 'b']))).toEqual({ row: 3, issues: [{ row: 3, field: null, message: 'expected 3 cells, got 2' }] });
    expect(csvRowToInput(columns, rec(4, ['', '', '']))).toMatchObject({ issues: [{ row: 4, message: 'every cell of the row is empty' }] });
    expect(csvRowToInput(columns, rec(5, ['x'], 'a quoted field is never closed'))).toMatchObject({ issues: [{ row: 5, message: 'a quoted field is never closed' }] });
  });
});

describe('JSONL rows', () => {
  it('reads {"input": {...}}', () => {
    expect(jsonlLineToInput(rec(1, ['{"input":{"text":"hi","n":[1,2]}}']))).toEqual({ row: 1, input: { text: 'hi', n: [1, 2] } });
  });

  it('reports bad JSON, a non-object, a missing or non-object input, unknown fields and gold', () => {
    const issueOf = (line: string) => {
      const o = jsonlLineToInput(rec(7, [line]));
      return 'issues' in o ? o.issues[0] : undefined;
    };
    expect(issueOf('{"input":')?.message).toMatch(/^not valid JSON/);
    expect(issueOf('[1]')?.field).toBeNull();
    expect(issueOf('{"text":"x"}')).toEqual({ row: 7, field: 'text', message: 'unknown field(s): text' });
    expect(issueOf('{"input":"x"}')).toEqual({ row: 7, field: 'input', message: 'input is a JSON object' });
  });

  it('reads a gold field beside the input, leaving its shape to the row validation', () => {
    expect(jsonlLineToInput(rec(2, ['{"input":{"t":1},"gold":{"answer":{"choice":"no"}}}']))).toEqual({ row: 2, input: { t: 1 }, gold: { answer: { choice: 'no' } } });
    expect(validateRow(jsonlLineToInput(rec(3, ['{"input":{"t":1},"gold":"cat"}'])), choice)).toMatchObject({ issues: [{ row: 3, field: 'gold' }] });
  });
});

const choice: AnswerSpec = { type: 'single_choice', question: 'Cat?', options: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] };

describe('row validation', () => {
  it('applies the rules of POST /microtasks: field names up to 100 characters, inputs up to 16 kB', () => {
    expect(validateRow({ row: 2, input: { text: 'ok' } }, choice)).toEqual({ row: 2, input: { text: 'ok' } });
    const long = validateRow({ row: 3, input: { ['k'.repeat(101)]: 'x' } }, choice);
    expect('issues' in long && long.issues[0]!.field).toMatch(/^input/);
    const big = validateRow({ row: 4, input: { text: 'x'.repeat(16_001) } }, choice);
    expect(big).toEqual({ row: 4, issues: [{ row: 4, field: 'input', message: 'a microtask input is at most 16 kB of JSON' }] });
  });

  it("applies the task type's input rules too, naming the field as the schema does", () => {
    const boxes: AnswerSpec = { type: 'bounding_boxes', question: 'Cars?', labels: [{ value: 'car', label: 'Car' }], minBoxes: 0, maxBoxes: 5 };
    expect(validateRow({ row: 2, input: { image: { url: 'https://example.com/a.jpg', width: 640, height: 480 } } }, boxes)).toMatchObject({ input: expect.any(Object) });
    const noSize = validateRow({ row: 3, input: { image: { url: 'https://example.com/a.jpg' } } }, boxes);
    expect('issues' in noSize && noSize.issues.map((i) => i.field)).toEqual(expect.arrayContaining(['input.image.width']));
  });
});

describe('gold rows', () => {
  it('checks the expected answer like an answer, naming the field, and returns it canonical', () => {
    expect(validateRow({ row: 2, input: { t: 1 }, gold: { answer: { choice: 'yes' } } }, choice)).toEqual({ row: 2, input: { t: 1 }, gold: { answer: { choice: 'yes' } } });
    expect(validateRow({ row: 3, input: { t: 1 }, gold: { answer: { choice: 'maybe' } } }, choice)).toMatchObject({ issues: [{ row: 3, field: 'gold.answer.choice' }] });
    expect(validateRow({ row: 4, input: { t: 1 }, gold: { answer: { choice: 'yes' }, extra: 1 } as { answer: unknown } }, choice)).toMatchObject({ issues: [{ row: 4, field: 'gold' }] });
  });
});

describe('error report', () => {
  it("replaces a step's own lines when the step runs again, and keeps earlier rows", () => {
    const first = mergeReport('', 2, [{ row: 5, field: null, message: 'a' }]);
    const second = mergeReport(first.text, 900, [{ row: 901, field: 'input', message: 'b' }]);
    const rerun = mergeReport(second.text, 900, [{ row: 901, field: 'input', message: 'b' }]);
    expect(rerun).toEqual(second);
    expect(rerun.lines).toBe(2);
    expect(rerun.text.trim().split('\n').map((l) => JSON.parse(l).row)).toEqual([5, 901]);
  });

  it('lists at most the limit', () => {
    const issues = Array.from({ length: 10 }, (_, i) => ({ row: i + 2, field: null, message: 'x' }));
    expect(mergeReport('', 2, issues, 4).lines).toBe(4);
  });
});

describe('export lines', () => {
  const m = {
    microtaskId: 'mt_1',
    input: { text: 'a, "quoted"\nline' },
    gold: null,
    status: 'completed',
    result: { answer: { choice: 'cat' }, label: 'cat', confidence: 0.67, votes: { cat: 2, dog: 1 }, method: 'majority_vote' },
    assignments: [{ assignmentId: 'asg_1', workerId: 'w1', status: 'approved', answer: { choice: 'cat' }, decision: { outcome: 'approved' } }],
  };

  it('writes JSONL as the results route shows a microtask, one per line', () => {
    const line = exportLine('jsonl', m);
    expect(line.endsWith('\n')).toBe(true);
    expect(JSON.parse(line)).toEqual(m);
  });

  it('writes CSV cells quoted when they hold commas, quotes or line breaks, nested values as JSON, and reads back with the import reader', () => {
    const text = exportHeader('csv') + exportLine('csv', m) + exportLine('csv', { ...m, microtaskId: 'mt_2', gold: { answer: { choice: 'dog' } }, result: null, assignments: [] });
    const rows = readCsvWindow(new TextEncoder().encode(text), { firstRow: 1, final: true, maxRecords: 10 }).records.map((r) => r.cells);
    expect(rows[0]).toEqual(['microtaskId', 'status', 'input', 'gold', 'resultAnswer', 'resultLabel', 'resultConfidence', 'assignments']);
    expect(rows[1]).toEqual(['mt_1', 'completed', JSON.stringify(m.input), '', '{"choice":"cat"}', 'cat', '0.67', JSON.stringify(m.assignments)]);
    expect(rows[2]).toEqual(['mt_2', 'completed', JSON.stringify(m.input), '{"choice":"dog"}', '', '', '', '[]']);
  });
});
