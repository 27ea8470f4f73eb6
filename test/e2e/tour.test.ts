import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TASK_TYPES } from '../../shared/domain/marketplace/task-types/registry';
import { bootPlatform, REPO_ROOT, type RunningPlatform } from '../support/local-platform';

/**
 * `npm run tour` as a new user runs it, with a short import, against `npm start`'s platform: the
 * script must keep working as the API changes, and say what it did for every task type.
 */
let platform: RunningPlatform;

beforeAll(async () => {
  platform = await bootPlatform();
});

afterAll(async () => {
  const code = await platform?.stop();
  expect(code).toBe(0);
});

function runTour(args: string[], dataDir = platform.dataDir): Promise<{ code: number | null; out: string }> {
  return new Promise((ok) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'infra/local/tour.ts'), ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, TESSERA_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => ok({ code, out }));
  });
}

describe('npm run tour', () => {
  it('runs a project of every task type, imports 200 rows and exports them as JSONL and CSV', { timeout: 600_000 }, async () => {
    const { code, out } = await runTour(['--rows', '200']);
    expect(code, out).toBe(0);
    for (const type of Object.keys(TASK_TYPES)) expect(out, type).toMatch(new RegExp(`^ {2}${type} +prj_\\w+ {2}3 answers .* completed`, 'm'));
    expect(out).toMatch(/import imp_\w+ completed: 200 microtasks/);
    expect(out).toMatch(/export exp_\w+ \(jsonl\): 200 rows, 3 with a result/);
    expect(out).toMatch(/export exp_\w+ \(csv\): 200 rows, 3 with a result/);
    expect(out).toMatch(/Tour completed in/);
  });

  it('stops with exit code 1 and prints the response on an unexpected HTTP status', async () => {
    // A platform.json whose API address is off by a path: the first call gets the API's 404.
    const elsewhere = mkdtempSync(join(tmpdir(), 'tessera-tour-'));
    writeFileSync(join(elsewhere, 'platform.json'), JSON.stringify({ ...platform.info, apiUrl: `${platform.info.apiUrl}/nowhere` }));
    try {
      const { code, out } = await runTour(['--types-only'], elsewhere);
      expect(code, out).toBe(1);
      expect(out).toMatch(/The tour stopped: anonymous: GET \/health answered HTTP 404, expected 200:\n.+/);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
