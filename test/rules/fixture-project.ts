import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/cli.js';

/** The project the command table runs in: real package.json files (root, api/, web/) and a dbsafe config. */
export const ROOT_SCRIPTS: Record<string, string> = {
  test: 'vitest run',
  'test:unit': 'vitest run --dir unit',
  'test:unit-db': 'prisma migrate reset --force && vitest run',
  'test:unit-fast': 'vitest run --bail 1',
  'test:unit:env': 'cross-env NODE_ENV=test mocha tests/unit/index.test.ts',
  'test:unit:pg': 'cp tests/unit/.pg.env tests/unit/.env; mocha tests/unit/index.test.ts',
  'ci:unit': 'npx prisma db push && vitest run',
  'test:e2e': 'playwright test',
  build: 'prisma migrate deploy && next build',
  lint: 'eslint .',
  dev: 'next dev',
  prestart: 'knex migrate:latest',
  start: 'node server.js',
  typeorm: 'typeorm-ts-node-commonjs',
  ci: 'npm run lint && npm run build',
  setup: 'npm run prepare:db',
  'prepare:db': "bash -c 'psql -f schema.sql'",
  loop: 'npm run loop',
  format: 'prettier --write .',
  postformat: 'echo formatted',
  check: 'cross-env NODE_ENV=test jest --ci',
  fresh: 'dotenv -e .env.test -- npx sequelize-cli db:migrate:undo:all',
  docs: 'typedoc src',
  codegen: 'prisma generate && graphql-codegen',
  verify: 'run-s lint format',
  'all-tests': 'npm-run-all --parallel test:*',
  'serve:db': 'concurrently "npm:dev" "knex migrate:latest"',
  'serve:all': 'concurrently -n web,lint "npm:dev" "npm:lint"',
};

export function createFixtureProject(): { dir: string; cleanup: () => void } {
  const project = tempDir('dbsafe-rules-');
  const write = (file: string, value: unknown) => {
    mkdirSync(path.dirname(path.join(project.dir, file)), { recursive: true });
    writeFileSync(path.join(project.dir, file), `${JSON.stringify(value, null, 2)}\n`);
  };
  write('package.json', { name: 'fixture', private: true, scripts: ROOT_SCRIPTS, devDependencies: { dbsafe: '*' } });
  write('api/package.json', { name: 'api', scripts: { build: 'knex migrate:latest && tsc', lint: 'eslint .' } });
  write('web/package.json', { name: 'web', scripts: { build: 'vite build', test: 'vitest run' } });
  write('frontend/package.json', { name: 'frontend', scripts: { test: 'react-scripts test --modulePaths=src', start: 'react-scripts start' } });
  write('lifecycle/package.json', { name: 'lifecycle', scripts: { postinstall: 'prisma migrate deploy', 'db:up': 'docker compose up -d postgres', 'db:seed': 'node scripts/populate.js' } });
  write('lifecycle-safe/package.json', { name: 'lifecycle-safe', scripts: { postinstall: 'prisma generate', prepare: 'husky' } });
  write('php/composer.json', { name: 'fixture/php', scripts: { test: ['@php artisan config:clear', '@php artisan test'], lint: 'phpcs', setup: ['@lint', '@php artisan migrate --force'], 'post-install-cmd': ['@php artisan package:discover'], 'post-update-cmd': ['App\\Setup::runMigrations'] } });
  write('mono/package.json', { name: 'mono', private: true, workspaces: ['apps/*'], scripts: { build: 'pnpm -r build' } });
  write('mono/apps/api/package.json', { name: '@mono/api', scripts: { build: 'prisma migrate deploy && tsc', lint: 'eslint .' } });
  write('mono/apps/web/package.json', { name: '@mono/web', scripts: { build: 'vite build', lint: 'eslint .' } });
  write('deno/deno.json', { tasks: { seed: 'deno run -A scripts/fill.ts', dev: 'deno run --watch main.ts', 'db:migrate': { command: 'deno run -A npm:drizzle-kit migrate' } } });
  mkdirSync(path.join(project.dir, 'go'), { recursive: true });
  writeFileSync(path.join(project.dir, 'go/Taskfile.yml'), "version: '3'\n\ntasks:\n  build:\n    cmds:\n      - go build ./...\n  db:up:\n    desc: start postgres\n    cmds:\n      - docker compose up -d postgres\n  setup:\n    deps: [build]\n    cmds:\n      - task: migrate\n  migrate:\n    cmds:\n      - cmd: goose -dir db postgres \"$DSN\" up\n");
  writeFileSync(path.join(project.dir, 'go/Makefile'), 'all: build test\n\nbuild:\n\tgo build ./...\n\ntest:\n\tgo test ./...\n\nmigrate-up:\n\tgoose -dir db postgres "$(DSN)" up\n\nfmt:\n\tgofmt -w .\n\ndb-migrate:\nifeq ($(ENV),ci)\n\tdbmate --wait up\nelse\n\tdbmate up\nendif\n');
  write('dbsafe.config.json', {
    commands: {
      guard: ['make test', './scripts/reset-db.sh', { command: 'make db-*', reason: 'the Makefile db targets rebuild the database', id: 'makefile-db' }],
      allow: ['npm run test:unit-fast'],
    },
  });
  return project;
}
