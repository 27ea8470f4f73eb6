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
  /** Kills the platform and its emulators at once (SIGKILL to the process group), keeping the data folder. */
  crash(): Promise<void>;
}

export interface BootOptions {
  env?: Record<string, string>;
  /** Reuse a data folder (after a crash) instead of a fresh one. */
  dataDir?: string;
}

/** A loaded machine (several test runs at once on two cores) boots slower; the e2e hook timeout is 180 s. */
const BOOT_TIMEOUT_S = Number(process.env.TESSERA_BOOT_TIMEOUT_S ?? 90);

/** Boots `npm start`'s entry point as a child process on a free port and a fresh data folder. */
export async function bootPlatform({ env = {}, dataDir: reuse }: BootOptions = {}): Promise<RunningPlatform> {
  const port = await freePort();
  const dataDir = reuse ?? mkdtempSync(join(tmpdir(), 'tessera-e2e-'));
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'infra/local/start.ts'), '--port', String(port), '--data-dir', dataDir, ...(reuse ? [] : ['--fresh'])], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so that crash() can kill the emulators with it, as a power cut would.
    detached: true,
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((ok, fail) => {
    const t = setTimeout(() => fail(new Error(`platform not ready in ${BOOT_TIMEOUT_S} s:\n${out}`)), BOOT_TIMEOUT_S * 1000);
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
      if (code === null) process.kill(-child.pid!, 'SIGKILL'); // never leave emulators behind
      rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
    async crash() {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      process.kill(-child.pid!, 'SIGKILL');
      await exited;
      // The emulators die with the group; give the OS a moment to release their ports and files.
      await new Promise((r) => setTimeout(r, 500));
    },
  };
}

export { apiClient, eventually } from '../../infra/local/client';
