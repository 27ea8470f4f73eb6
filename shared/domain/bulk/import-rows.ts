import type { FileRecord } from './records';

/**
 * Turning the records of an import file into microtask inputs. Validation of the input itself
 * (field name length, size) is the API's: the job checks each row with the schema of
 * POST /projects/{projectId}/microtasks, so a row imports exactly when that request would accept it.
 */
export const IMPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** One problem with one row of the file, as the error report lists it. */
export interface RowIssue {
  row: number;
  /** `input.text`, a CSV column, or null when the whole row is at fault. */
  field: string | null;
  message: string;
}

/** A row read as a microtask: its input and, for a gold microtask, the expected answer (checked later, like the input). */
export type RowOutcome = { row: number; input: Record<string, unknown>; gold?: { answer: unknown } } | { row: number; issues: RowIssue[] };

/** A CSV column: the header as written and the path of the input field it fills (`meta.source` → ['meta', 'source']). */
export interface Column {
  header: string;
  path: string[];
}

/** Names that would reach the object prototype, or that Tessera keeps for itself. */
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

/**
 * The column (and the JSONL field) holding a gold microtask's expected answer. In CSV it is one
 * column of JSON, never nested columns: `gold.x` would read as part of the input, which workers see.
 */
const GOLD = 'gold';

export function csvColumns(cells: string[]): { columns: Column[] } | { issues: RowIssue[] } {
  const issues: RowIssue[] = [];
  const columns: Column[] = [];
  const seen = new Map<string, string>();
  cells.forEach((raw, i) => {
    const header = raw.trim();
    const where = header || `column ${i + 1}`;
    const path = header.split('.');
    if (!header || path.some((s) => s === '')) {
      issues.push({ row: 1, field: where, message: 'a column name is empty (dots separate nested fields: meta.source)' });
      return;
    }
    if (path[0] === GOLD && path.length > 1) {
      issues.push({ row: 1, field: header, message: 'the gold column is one column holding the whole expected answer as JSON, e.g. {"choice":"cat"}' });
      return;
    }
    if (path.some((s) => FORBIDDEN_SEGMENTS.has(s))) {
      issues.push({ row: 1, field: header, message: 'this column name is reserved' });
      return;
    }
    if (path.some((s) => s.length > 100)) {
      issues.push({ row: 1, field: header, message: 'a field name is at most 100 characters' });
      return;
    }
    if (seen.has(header)) {
      issues.push({ row: 1, field: header, message: 'the column appears twice' });
      return;
    }
    // `a` and `a.b` cannot both be fields: a would be a value and an object at once.
    for (const other of seen.keys()) {
      if (header.startsWith(`${other}.`) || other.startsWith(`${header}.`)) {
        issues.push({ row: 1, field: header, message: `conflicts with column ${other}: a field cannot be a value and hold nested fields` });
        return;
      }
    }
    seen.set(header, header);
    columns.push({ header, path });
  });
  if (!cells.length || (!columns.length && !issues.length)) issues.push({ row: 1, field: null, message: 'the header row names no column' });
  return issues.length ? { issues } : { columns };
}

/**
 * A CSV data row → a microtask input. Every value is a string (CSV has no types); an empty cell
 * leaves its field out, so optional columns work; dotted headers nest.
 */
export function csvRowToInput(columns: Column[], record: FileRecord): RowOutcome {
  if (record.malformed) return { row: record.row, issues: [{ row: record.row, field: null, message: record.malformed }] };
  if (record.cells.length !== columns.length) {
    return { row: record.row, issues: [{ row: record.row, field: null, message: `expected ${columns.length} cells, got ${record.cells.length}` }] };
  }
  const input: Record<string, unknown> = {};
  let gold: { answer: unknown } | undefined;
  for (const [i, c] of columns.entries()) {
    const value = record.cells[i]!;
    if (c.header !== GOLD || value === '') continue;
    try {
      gold = { answer: JSON.parse(value) };
    } catch (e) {
      return { row: record.row, issues: [{ row: record.row, field: GOLD, message: `the expected answer is JSON, e.g. {"choice":"cat"}: ${(e as Error).message}` }] };
    }
  }
  columns.forEach((c, i) => {
    const value = record.cells[i]!;
    if (value === '' || c.header === GOLD) return;
    let target = input;
    for (const segment of c.path.slice(0, -1)) target = (target[segment] ??= {}) as Record<string, unknown>;
    target[c.path[c.path.length - 1]!] = value;
  });
  if (!Object.keys(input).length) return { row: record.row, issues: [{ row: record.row, field: null, message: gold ? 'the row has an expected answer but no input' : 'every cell of the row is empty' }] };
  return gold ? { row: record.row, input, gold } : { row: record.row, input };
}

/** A JSONL line → a microtask: the line is `{"input": {...}, "gold"?: {"answer": {...}}}`, like one entry of POST /microtasks. */
export function jsonlLineToInput(record: FileRecord): RowOutcome {
  const issue = (field: string | null, message: string): RowOutcome => ({ row: record.row, issues: [{ row: record.row, field, message }] });
  if (record.malformed) return issue(null, record.malformed);
  let value: unknown;
  try {
    value = JSON.parse(record.cells[0] ?? '');
  } catch (e) {
    return issue(null, `not valid JSON: ${(e as Error).message}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return issue(null, 'a line is a JSON object: {"input": {...}}');
  const extra = Object.keys(value).filter((k) => k !== 'input' && k !== GOLD);
  if (extra.length) return issue(extra[0]!, `unknown field(s): ${extra.join(', ')}`);
  const input = (value as { input?: unknown }).input;
  if (!input || typeof input !== 'object' || Array.isArray(input)) return issue('input', 'input is a JSON object');
  const gold = (value as { gold?: unknown }).gold;
  // Its shape ({"answer": {...}}) is checked with the schema of POST /microtasks, like the input.
  return gold === undefined ? { row: record.row, input: input as Record<string, unknown> } : { row: record.row, input: input as Record<string, unknown>, gold: gold as { answer: unknown } };
}
