import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startPlatform } from './platform';

/** `npm start [-- --fresh] [-- --port 3000]`: the whole platform on this machine, until Ctrl-C. */
const { values } = parseArgs({ options: { fresh: { type: 'boolean', default: false }, port: { type: 'string' }, 'data-dir': { type: 'string' } } });
const port = Number(values.port ?? process.env.PORT ?? 3000);
const dataDir = resolve(values['data-dir'] ?? process.env.TESSERA_DATA_DIR ?? '.tessera');
const started = Date.now();

const platform = await startPlatform({ port, dataDir, fresh: values.fresh, root: resolve(import.meta.dirname, '..', '..') }).catch((e: Error) => {
  console.error(`Tessera failed to start: ${e.message}\nSee ${dataDir}/platform.log`);
  process.exit(1);
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping Tessera…`);
  await platform.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

console.log(
  `Tessera ready on ${platform.info.apiUrl} in ${((Date.now() - started) / 1000).toFixed(1)} s (data: ${dataDir}). ` +
    `Get a token: npm run token -- --email you@example.com --group clients`,
);
