import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readComposeServices } from '../../src/safety/compose.js';
import { tempDir } from '../helpers/cli.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function project(files: Record<string, string>): string {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('readComposeServices', () => {
  it('collects services, container names, host names and network aliases of every compose file', async () => {
    const dir = project({
      'compose.yaml': 'services:\n  db:\n    image: postgres\n    container_name: shop-postgres\n    hostname: pg\n    networks:\n      backend:\n        aliases: [database]\n',
      'compose.override.yaml': 'services:\n  cache:\n    image: redis\n',
    });
    const facts = await readComposeServices(dir);
    expect(facts.files).toEqual(['compose.yaml', 'compose.override.yaml']);
    expect(facts.services.map((s) => s.name)).toEqual(['db', 'shop-postgres', 'pg', 'database', 'cache']);
    expect(facts.services.find((s) => s.name === 'cache')?.file).toBe('compose.override.yaml');
    expect(facts.problems).toEqual([]);
  });

  it('reports a compose file that is not YAML, and trusts none of it', async () => {
    const dir = project({ 'docker-compose.yml': 'services:\n  db: [unclosed\n' });
    const facts = await readComposeServices(dir);
    expect(facts.services).toEqual([]);
    expect(facts.problems[0]).toContain('docker-compose.yml is not valid YAML');
  });

  it('finds nothing in a project without a compose file', async () => {
    expect(await readComposeServices(project({}))).toEqual({ files: [], services: [], problems: [] });
  });
});
