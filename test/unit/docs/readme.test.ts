import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { routeList } from '../../../shared/api/routes';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('lists every route of the route table in its API overview, and no route that does not exist', () => {
    const table = readme.slice(readme.indexOf('## API overview'), readme.indexOf('Conventions:'));
    const listed = [...table.matchAll(/^\| (GET|POST|PUT|PATCH|DELETE) \| (\S+) \|/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(listed.sort()).toEqual(routeList().map((r) => `${r.method} ${r.path}`).sort());
  });

  it('opens with the two commands a newcomer runs', () => {
    const first = readme.indexOf('```bash');
    expect(readme.slice(first, readme.indexOf('```', first + 3))).toMatch(/npm ci && npm start[\s\S]*npm test/);
    expect(first).toBeLessThan(readme.indexOf('## Architecture'));
  });
});
