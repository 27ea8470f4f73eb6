/**
 * `npm run bench`: the claims bench, then the quality bench, with the same arguments. npm appends
 * `-- --json` to the end of a script line only, so a chain `a && b` would hand it to `b` alone;
 * this runner gives it to both and, with --json, prints one object `{ claims, quality }`.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const args = process.argv.slice(2);
const json = args.includes('--json');

function run(file: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, file), ...args], { stdio: ['ignore', json ? 'pipe' : 'inherit', 'inherit'] });
    let stdout = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout }));
  });
}

const summary: Record<string, unknown> = {};
let failed = false;
for (const [name, file] of [['claims', 'claims.bench.ts'], ['quality', 'quality.bench.ts']] as const) {
  const { code, stdout } = await run(file);
  failed ||= code !== 0;
  if (json) {
    try {
      summary[name] = JSON.parse(stdout);
    } catch {
      summary[name] = { error: `no JSON summary (exit code ${code})`, output: stdout.slice(-2_000) };
    }
  }
}
if (json) console.log(JSON.stringify(summary));
process.exitCode = failed ? 1 : 0;
