import { describe, expect, it } from 'vitest';
import { lifecycleCommand } from '../../src/run/command-decision.js';
import { guardedWords, lineWords } from '../../src/run/nesting.js';
import { commandForDisplay } from '../../src/run/command-text.js';

const SCRIPTS = { test: 'vitest run', pretest: 'dbsafe guard', prepare: 'dbsafe guard && husky', 'db:reset': 'dbsafe guard && knex migrate:rollback --all' };

describe('lifecycleCommand: the script a lifecycle `dbsafe guard` protects', () => {
  it.each([
    [{ npm_lifecycle_event: 'pretest', npm_lifecycle_script: 'dbsafe guard' }, ['npm', 'run', 'test']],
    [{ npm_lifecycle_event: 'pretest', npm_lifecycle_script: 'dbsafe guard', npm_config_user_agent: 'pnpm/9.1.0 npm/? node/v20.19.0 linux x64' }, ['pnpm', 'run', 'test']],
    [{ npm_lifecycle_event: 'db:reset', npm_lifecycle_script: 'dbsafe guard && knex migrate:rollback --all' }, ['npm', 'run', 'db:reset']],
    // "prepare" starts with "pre" but there is no "pare" script: it protects itself.
    [{ npm_lifecycle_event: 'prepare', npm_lifecycle_script: 'dbsafe guard && husky' }, ['npm', 'run', 'prepare']],
  ])('%j → %j', (env, expected) => {
    expect(lifecycleCommand(env, SCRIPTS)).toEqual(expected);
  });

  it('is null outside a package.json script, and for a git hook or tool that only inherited an outer script’s variables', () => {
    expect(lifecycleCommand({}, SCRIPTS)).toBeNull();
    expect(lifecycleCommand({ npm_lifecycle_event: 'release', npm_lifecycle_script: 'git push' }, SCRIPTS)).toBeNull();
  });
});

describe('commandForDisplay of a shell line (the agent’s command)', () => {
  it('keeps the line as written and masks passwords', () => {
    expect(commandForDisplay('  npm test  ')).toBe('npm test');
    expect(commandForDisplay("psql postgres://app:hunter2@localhost/app -c 'select 1'")).toBe("psql postgres://app:********@localhost/app -c 'select 1'");
    expect(commandForDisplay('mysql --password hunter2 app && DB_PASSWORD=hunter3 npm test')).not.toMatch(/hunter[23]/);
  });
});

describe('guardedWords: what the agent’s line must spell out for the hook’s record to stand in for a guard', () => {
  it.each([
    [['npm', 'test'], 'npm test', true],
    // A pre-script guard says `npm run test` for the agent's `npm test`.
    [['npm', 'run', 'test'], 'npm test', true],
    [['npm', 'run', 'test'], 'cd app && DATABASE_URL=sqlite:./dev.db npm test -- --watch', true],
    [['npx', 'prisma', 'migrate', 'reset', '--force'], 'npx prisma migrate reset --force', true],
    [['/usr/bin/npm', 'test'], 'npm test', true],
    [['npm', 'run', 'db:seed'], 'npm test', false],
    [['npm', 'test'], 'sh ./seed.sh', false],
  ])('%j inside the agent’s `%s`: %s', (argv, line, expected) => {
    const words = lineWords(line);
    expect(guardedWords(argv)!.every((word) => words.has(word))).toBe(expected);
  });

  it('a bare dbsafe guard (no command) or a shell line never takes a record', () => {
    expect(guardedWords(undefined)).toBeNull();
    expect(guardedWords('npm test')).toBeNull();
  });
});
