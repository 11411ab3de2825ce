import { describe, expect, it } from 'vitest';
import { FRAMEWORK_ROWS, signalledFrameworks } from '../../../src/target/frameworks/registry.js';
import { testProject } from './js-project.js';

const JS_FRAMEWORKS = ['prisma', 'drizzle', 'knex', 'sequelize', 'typeorm'] as const;

describe('the JavaScript framework rows of the registry', () => {
  it.each([
    ['prisma', 'prisma/schema.prisma'],
    ['prisma', 'prisma.config.ts'],
    ['drizzle', 'drizzle.config.ts'],
    ['knex', 'knexfile.js'],
    ['sequelize', '.sequelizerc'],
    ['typeorm', 'src/data-source.ts'],
    ['knex', 'node_modules/.bin/knex'],
  ])('%s is signalled by %s', (framework, file) => {
    const project = testProject({ [file]: '' });
    expect(signalledFrameworks([project.root]).map((row) => row.framework)).toEqual([framework]);
  });

  it('each loads a reader that answers null in a project without its files', async () => {
    const empty = testProject({ 'package.json': '{}' });
    for (const framework of JS_FRAMEWORKS) {
      const row = FRAMEWORK_ROWS.find((entry) => entry.framework === framework);
      expect(row, framework).toBeDefined();
      const read = await row!.load();
      expect(read(empty.input()), framework).toBeNull();
    }
  });

  it('a custom config path is read when the command runs the tool', () => {
    const project = testProject({ 'package.json': '{}' });
    expect(signalledFrameworks([project.root], ['npx', 'drizzle-kit', 'push', '--config', 'db/drizzle.ts']).map((row) => row.framework)).toEqual(['drizzle']);
    expect(signalledFrameworks([project.root], ['typeorm-ts-node-commonjs', 'migration:run', '-d', 'src/db.ts']).map((row) => row.framework)).toEqual(['typeorm']);
  });
});
