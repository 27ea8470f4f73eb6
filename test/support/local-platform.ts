import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../infra/local/emulators';
import { readPlatformInfo, type PlatformInfo } from '../../infra/local/users';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

export interface RunningPlatform {
  info: PlatformInfo;
  dataDir: string;
  process: ChildProcess;
  output: () => string;
  stop(): Promise<number | null>;
}

/** Boots `npm start`'s entry point as a child process on a free port and a fresh data folder. */
export async function bootPlatform(env: Record<string, string> = {}): Promise<RunningPlatform> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-e2e-'));
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'infra/local/start.ts'), '--port', String(port), '--data-dir', dataDir, '--fresh'], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((ok, fail) => {
    const t = setTimeout(() => fail(new Error(`platform not ready in 90 s:\n${out}`)), 90_000);
    const check = () => {
      if (/Tessera ready on/.test(out)) {
        clearTimeout(t);
        ok();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(t);
      fail(new Error(`platform exited with ${code}:\n${out}`));
    });
  });
  return {
    info: readPlatformInfo(dataDir),
    dataDir,
    process: child,
    output: () => out,
    async stop() {
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGINT');
      const code = await Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), 20_000))]);
      rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}

export { apiClient, eventually } from '../../infra/local/client';
