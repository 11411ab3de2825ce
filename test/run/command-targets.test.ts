import { describe, expect, it } from 'vitest';
import type { ProjectContext } from '../../src/config/context.js';
import type { ClientConnection } from '../../src/rules/types.js';
import { clientTarget, parseConninfo } from '../../src/run/client-target.js';
import { applyEnvChanges, distinctEffects, unknownThatMatters } from '../../src/run/command-targets.js';
import { expandPathReference, expandVariableReference } from '../../src/run/variable-reference.js';
import { resolveTargets } from '../../src/target/resolve.js';

const psql = (...settings: Array<[ClientConnection['settings'][number]['setting'], string | null]>): ClientConnection => ({
  client: 'psql',
  engine: 'postgres',
  settings: settings.map(([setting, value]) => ({ setting, value, written: `${setting} ${value}` })),
});

describe('clientTarget: where a client connects', () => {
  const cases: Array<[name: string, client: ClientConnection, env: Record<string, string>, expected: string]> = [
    ['-h -d', psql(['host', 'prod.example.com'], ['database', 'shop']), {}, 'postgres prod.example.com shop'],
    ['a URL as the database', psql(['database', 'postgres://u@db.example.com:6543/shop']), {}, 'postgres db.example.com shop'],
    ['a conninfo string', psql(['database', "host=prod port=5433 dbname='my shop'"]), {}, 'postgres prod my shop'],
    ['options over the environment', psql(['host', '127.0.0.1']), { PGHOST: 'prod', PGDATABASE: 'app' }, 'postgres 127.0.0.1 app'],
    ['the environment the line set', psql(), { PGHOST: 'prod', PGDATABASE: 'app' }, 'postgres prod app'],
    ['libpq defaults: database named like the user', psql(['user', 'ada']), {}, 'postgres - ada'],
    ['mysql', { client: 'mysql', engine: 'mysql', settings: [{ setting: 'host', value: 'prod', written: '-h prod' }, { setting: 'database', value: 'shop', written: 'shop' }] }, {}, 'mysql prod shop'],
    ['mysql with only a database: localhost', { client: 'mysql', engine: 'mysql', settings: [{ setting: 'database', value: 'shop', written: 'shop' }] }, {}, 'mysql localhost shop'],
    ['sqlite3 FILE, relative to the directory', { client: 'sqlite3', engine: 'sqlite', settings: [{ setting: 'file', value: 'other.db', written: 'other.db' }] }, {}, 'sqlite - /app/other.db'],
    ['mongosh URL', { client: 'mongosh', engine: 'mongodb', settings: [{ setting: 'url', value: 'mongodb+srv://c0.example.net/shop', written: '' }] }, {}, 'mongodb c0.example.net shop'],
    ['mongosh database', { client: 'mongosh', engine: 'mongodb', settings: [{ setting: 'url', value: 'shop', written: 'shop' }] }, {}, 'mongodb 127.0.0.1 shop'],
  ];
  it.each(cases)('%s', (_name, client, env, expected) => {
    const namedInLine = new Set(Object.keys(env));
    const result = clientTarget(client, env, '/app', namedInLine, 'root');
    expect(result.kind).toBe('target');
    if (result.kind !== 'target') return;
    const { engine, host, database } = result.target;
    expect(`${engine} ${host ?? '-'} ${database}`).toBe(expected);
  });

  const unknown: Array<[string, ClientConnection]> = [
    ['a setting known only at run time', psql(['host', null])],
    ['a conninfo keyword dbsafe does not read', psql(['database', 'host=prod frobnicate=1'])],
    ['a service', psql(['database', 'service=prod'])],
    ['a broken conninfo', psql(['database', "host='prod"])],
  ];
  it('a URL query that moves the target is read as libpq reads it: the host it names is the target', () => {
    const result = clientTarget(psql(['database', 'postgresql:///shop?host=prod']), {}, '/app', new Set(), 'root');
    expect(result.kind).toBe('target');
    if (result.kind === 'target') expect(result.target).toMatchObject({ database: 'shop', hosts: ['prod'] });
  });

  it.each(unknown)('unknown: %s', (_name, client) => {
    const result = clientTarget(client, {}, '/app', new Set(), 'root');
    expect(result.kind).toBe('unknown');
  });

  it('names nothing (the project stands for it) without settings or variables set by the line', () => {
    expect(clientTarget(psql(), { PGHOST: 'x' }, '/app', new Set(), 'root').kind).toBe('none');
    expect(clientTarget({ client: 'sqlite3', engine: 'sqlite', settings: [] }, {}, '/app', new Set()).kind).toBe('none');
  });
});

describe('parseConninfo', () => {
  it.each([
    ['host=a dbname=b', { host: 'a', dbname: 'b' }],
    ["  host = a  password='it''s' ", null],
    ["password='a b\\'c' user=u", { password: "a b'c", user: 'u' }],
    ['postgres://x', null],
    ['shop', null],
  ])('%s', (text, expected) => {
    expect(parseConninfo(text)).toEqual(expected);
  });
});

describe('the environment a command runs with', () => {
  it('applies sets, unsets and env -i in order; run-time values are listed apart', () => {
    const { env, unknown } = applyEnvChanges({ A: '1', B: '2', PATH: '/bin' }, [
      { kind: 'set', name: 'A', value: 'x', text: 'A=x' },
      { kind: 'unset', name: 'B' },
      { kind: 'set', name: 'C', value: null, text: 'C=$(x)' },
    ]);
    expect(env).toMatchObject({ A: 'x', PATH: '/bin' });
    expect(env.B).toBeUndefined();
    expect([...unknown]).toEqual([['C', 'C=$(x)']]);
    expect(applyEnvChanges({ A: '1' }, [{ kind: 'set', name: 'C', value: null, text: 'C=$x' }, { kind: 'clear' }, { kind: 'set', name: 'D', value: 'd', text: 'D=d' }])).toEqual({ env: { D: 'd' }, unknown: new Map(), unseen: [] });
  });

  it('dotenv files named by a launcher: their values count; a missing file adds nothing; an unknown or unreadable one is listed', () => {
    const files: Record<string, Record<string, string> | null | 'unreadable'> = { '/app/.env.prod': { DATABASE_URL: 'postgres://prod/app' }, '/app/missing': null, '/app/locked': 'unreadable' };
    const read = (file: string) => files[file] ?? null;
    const { env, unseen } = applyEnvChanges({ DATABASE_URL: 'sqlite:./dev.db' }, [
      { kind: 'file', path: '/app/.env.prod', written: '-e .env.prod' },
      { kind: 'file', path: '/app/missing', written: '-e missing' },
      { kind: 'file', path: '/app/locked', written: '-e locked' },
      { kind: 'file', path: null, written: '-e $F' },
    ], read);
    expect(env.DATABASE_URL).toBe('postgres://prod/app');
    expect(unseen).toEqual(['-e locked', '-e $F']);
  });

  it('env -u $NAME unsets the variable NAME holds; an unknown name is a change dbsafe cannot see', () => {
    expect(applyEnvChanges({ V: 'DATABASE_URL', DATABASE_URL: 'x' }, [{ kind: 'unset', name: '', source: '$V' }]).env.DATABASE_URL).toBeUndefined();
    expect(applyEnvChanges({ DATABASE_URL: 'x' }, [{ kind: 'unset', name: '', source: '$V' }]).unseen).toEqual(['-u $V']);
  });

  const contextWith = (env: Record<string, string>): ProjectContext =>
    ({ targets: resolveTargets({ env, dotenv: [], cwd: '/app' }), env, dotenv: [] }) as unknown as ProjectContext;
  it.each([
    ['DATABASE_URL', true],
    ['DB_HOST', true],
    ['NODE_ENV', true],
    ['PGSSLCERT', true],
    ['BUILD_ID', false],
    ['DB_PASSWORD', false],
  ])('a run-time %s decides the target: %s', (name, matters) => {
    const env = { DB_CONNECTION: 'pgsql', DB_DATABASE: 'app', DB_PASSWORD: 'x', [name]: 'dbsafe-value-known-only-at-run-time' };
    const found = unknownThatMatters(new Map([[name, `${name}=$(x)`]]), contextWith(env));
    expect(found !== null).toBe(matters);
  });

  it('one judgement per distinct directory, environment and client', () => {
    const effect = { text: 'vitest', dir: '/app', env: [] };
    expect(distinctEffects([effect, { ...effect, text: 'jest' }, { ...effect, dir: '/other' }], '/app')).toHaveLength(2);
    expect(distinctEffects([], '/app')).toEqual([{ text: '', dir: '/app', env: [] }]);
  });
});

describe('expandPathReference: a sourced file named from the environment', () => {
  const env = { HOME: '/home/ada', NVM_DIR: '/home/ada/.nvm', REL: 'x' };
  it.each([
    ['~/.nvm/nvm.sh', '/home/ada/.nvm/nvm.sh'],
    ['"$NVM_DIR/nvm.sh"', '/home/ada/.nvm/nvm.sh'],
    ['${HOME}/.env', '/home/ada/.env'],
    ['$REL/x', null],
    ['$UNSET/x', null],
    ['$(pwd)/x', null],
    ['~ada/x', null],
    ['"$HOME/$X"', null],
  ])('%s', (source, expected) => {
    expect(expandPathReference(source, env)).toBe(expected);
  });
});

describe('expandVariableReference: a word that is only $VAR takes its value from the environment', () => {
  const env = { URL: 'postgres://h/db', SPACED: 'a b', EMPTY: '' };
  it.each([
    ['$URL', 'postgres://h/db'],
    ['${URL}', 'postgres://h/db'],
    ['"$URL"', 'postgres://h/db'],
    ['"${URL}"', 'postgres://h/db'],
    ['"$SPACED"', 'a b'],
    ['$SPACED', null],
    ['"$EMPTY"', ''],
    ['$UNSET', null],
    ['"$URL', null],
    ['$URL/x', null],
    ['$(cat url)', null],
    ['${URL:-x}', null],
  ])('%s', (source, expected) => {
    expect(expandVariableReference(source, env)).toBe(expected);
  });

  it('a variable whose own value is only known at run time stays unknown', () => {
    expect(expandVariableReference('$URL', env, new Set(['URL']))).toBeNull();
    const { unknown } = applyEnvChanges({}, [
      { kind: 'set', name: 'A', value: null, text: 'A=$(x)' },
      { kind: 'set', name: 'B', value: null, text: 'B=$A' },
    ]);
    expect([...unknown.keys()]).toEqual(['A', 'B']);
  });

  it('expands assignments and client settings from the environment the command runs with', () => {
    const { env: applied, unknown } = applyEnvChanges({ TEST_URL: 'sqlite:./t.db' }, [{ kind: 'set', name: 'DATABASE_URL', value: null, text: 'DATABASE_URL="$TEST_URL"' }]);
    expect(applied.DATABASE_URL).toBe('sqlite:./t.db');
    expect(unknown.size).toBe(0);
    const client = { client: 'psql', engine: 'postgres' as const, settings: [{ setting: 'database' as const, value: null, written: '"$URL"', source: '"$URL"' }] };
    const result = clientTarget(client, { URL: 'postgres://prod.example.com/shop' }, '/app', new Set());
    expect(result.kind === 'target' && result.target.host).toBe('prod.example.com');
  });
});

describe('gatherJudgeUnits over the whole command corpus', () => {
  it('gives every command at least one unit, without throwing', async () => {
    const { gatherJudgeUnits } = await import('../../src/run/command-targets.js');
    const { COMMAND_CASES } = await import('../rules/command-cases.js');
    const { createFixtureProject } = await import('../rules/fixture-project.js');
    const project = createFixtureProject();
    try {
      for (const [command] of COMMAND_CASES) {
        const units = await gatherJudgeUnits({ operation: 'guard', argv: ['dbsafe', 'guard'], commandLine: command, cwd: project.dir, env: { DATABASE_URL: 'sqlite:./dev.db', HOME: project.dir } });
        expect(units.length, command).toBeGreaterThan(0);
      }
    } finally {
      project.cleanup();
    }
  });
});
