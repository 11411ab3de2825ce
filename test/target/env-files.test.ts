import { describe, expect, it } from 'vitest';
import { chooseEnvironment, envFileNames, runsTestSuite } from '../../src/target/env-files.js';

describe('which .env files a command loads', () => {
  it.each([
    [['vitest', 'run'], true],
    [['jest', '--ci'], true],
    [['node', '--test', 'test/'], true],
    [['npm', 'test'], true],
    [['npm', 'run', 'test:unit'], true],
    [['npm', '--silent', 'run', 'test-e2e'], true],
    [['pnpm', 'test:integration'], true],
    [['yarn', 'test'], true],
    [['bun', 'test'], true],
    [['/app/node_modules/.bin/mocha'], true],
    [['rspec'], true],
    [['npm', 'run', 'build'], false],
    [['node', 'server.js'], false],
    [['prisma', 'migrate', 'dev'], false],
    [['npm', 'run', 'latest'], false],
  ])('%j runs a test suite: %s', (argv, expected) => {
    expect(runsTestSuite(argv)).toBe(expected);
  });

  it('the shell\'s environment wins; then a test runner\'s NODE_ENV=test; then APP_ENV/RAILS_ENV set in .env', () => {
    const dotenv = [{ file: '/p/.env', values: { APP_ENV: 'dev' } }];
    expect(chooseEnvironment({ NODE_ENV: 'staging' }, ['vitest'], dotenv)).toEqual({ name: 'staging', reason: 'NODE_ENV in the environment' });
    expect(chooseEnvironment({}, ['vitest', 'run'], dotenv)?.name).toBe('test');
    expect(chooseEnvironment({}, ['php', 'bin/console', 'doctrine:migrations:migrate'], dotenv)).toEqual({ name: 'dev', reason: 'APP_ENV in /p/.env' });
    expect(chooseEnvironment({}, null, [{ file: '/p/.env', values: { RAILS_ENV: 'development' } }])?.name).toBe('development');
    expect(chooseEnvironment({}, null, [])).toBeNull();
  });

  it('templates are never an environment, and the test environment skips .env.local', () => {
    expect(chooseEnvironment({ APP_ENV: 'example' }, null, [])).toBeNull();
    expect(chooseEnvironment({}, null, [{ file: '/p/.env', values: { APP_ENV: 'sample' } }])).toBeNull();
    expect(envFileNames(null)).toEqual(['.env', '.env.local']);
    expect(envFileNames('dev')).toEqual(['.env', '.env.local', '.env.dev', '.env.dev.local']);
    expect(envFileNames('test')).toEqual(['.env', '.env.test', '.env.test.local']);
  });
});
