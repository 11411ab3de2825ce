import { beforeAll, describe, expect, it } from 'vitest';
import { classifyCommand } from '../../src/rules/classify.js';
import { clientConnection } from '../../src/rules/client-connections.js';
import { loadTreeSitterParser } from '../../src/rules/tree-sitter-parse.js';
import type { InvocationEffects, ShellParse } from '../../src/rules/types.js';

let parse: ShellParse;
beforeAll(async () => {
  parse = await loadTreeSitterParser();
});

const SCRIPTS: Record<string, Record<string, string>> = {
  '/app': {
    test: 'DATABASE_URL=postgres://u@prod.db.example.com/app vitest run',
    'test:env': 'NODE_ENV=production node t.js',
    'test:nested': 'npm run helper',
    helper: 'export NODE_ENV=production; node t.js',
    build: 'NODE_ENV=production webpack && vitest run',
    'test:cd': 'cd $SOMEWHERE && vitest run',
  },
  '/other': { test: 'vitest run' },
};
const readScripts = (dir: string) => (SCRIPTS[dir] ? { dir, scripts: SCRIPTS[dir]! } : dir.startsWith('/app') ? { dir: '/app', scripts: SCRIPTS['/app']! } : null);

function effects(line: string | string[]): InvocationEffects[] {
  return classifyCommand({ command: typeof line === 'string' ? parse(line) : line, cwd: '/app', readScripts, parse }).effects;
}

/** The variables in force for each running invocation, as NAME=value (null: unknown), `-NAME` for unset, `(clear)`. */
function envOf(effect: InvocationEffects): string[] {
  return effect.env.map((change) => (change.kind === 'set' ? `${change.name}=${change.value}` : change.kind === 'unset' ? `-${change.name}` : '(clear)'));
}

describe('what each guarded invocation runs with', () => {
  const cases: Array<[line: string | string[], dirs: Array<string | null>, env: string[][]]> = [
    ['DATABASE_URL=postgres://u@prod.db.example.com/app npm test', ['/app'], [['DATABASE_URL=postgres://u@prod.db.example.com/app', 'DATABASE_URL=postgres://u@prod.db.example.com/app']]],
    [['env', 'NODE_ENV=production', 'rails', 'db:migrate'], ['/app'], [['NODE_ENV=production']]],
    ['env -u DATABASE_URL -i PGHOST=prod rails db:migrate', ['/app'], [['-DATABASE_URL', '(clear)', 'PGHOST=prod']]],
    ['export NODE_ENV=production; rails db:migrate', ['/app'], [['NODE_ENV=production']]],
    ['NODE_ENV=production; unset NODE_ENV; rails db:migrate', ['/app'], [['NODE_ENV=production', '-NODE_ENV']]],
    ['DATABASE_URL=$(cat url) rails db:migrate', ['/app'], [['DATABASE_URL=null']]],
    ["bash -c 'DATABASE_URL=x rails db:migrate'", ['/app'], [['DATABASE_URL=x']]],
    ['VAR=x sudo -E DATABASE_URL=y rails db:migrate', ['/app'], [['VAR=x', 'DATABASE_URL=y']]],
    ['cross-env NODE_ENV=production knex migrate:latest', ['/app'], [['NODE_ENV=production']]],
    ['npm run test:env', ['/app'], [['NODE_ENV=production']]],
    ['npm run test:nested', ['/app'], [['NODE_ENV=production']]],
    ['cd /other && npm test', ['/other'], [[]]],
    ['npm --prefix /other test', ['/other'], [[]]],
    ['npm test --prefix /other', ['/other'], [[]]],
    ['npm_config_prefix=/other npm test', ['/other'], [['npm_config_prefix=/other']]],
    ['npm run test:env -- --prefix /other', ['/app'], [['NODE_ENV=production']]],
    ['pnpm -C /other test', ['/other'], [[]]],
    ['yarn --cwd /other test', ['/other'], [[]]],
    ['env -C /other rails db:migrate', ['/other'], [[]]],
    ['cd $PROJECT && rails db:migrate', [null], [[]]],
    ['pushd /other && npm test; popd && rails db:migrate', ['/other', '/app'], [[], []]],
    ['popd && rails db:migrate', [null], [[]]],
    ['make -C /other db-reset DATABASE_URL=postgres://prod/app', ['/other'], [['DATABASE_URL=postgres://prod/app']]],
    ['just -d /other migrate', ['/other'], [[]]],
    // A subshell's cd and exports end with it.
    ['(cd /other && export NODE_ENV=production); rails db:migrate', ['/app'], [[]]],
    ['echo $(cd /other) && rails db:migrate', ['/app'], [[]]],
    ['(cd /other && rails db:migrate)', ['/other'], [[]]],
    ['npm run test:cd', [null], [[]]],
    // Only the guarded part's environment counts: the build step's NODE_ENV is its own.
    ['NODE_ENV=production npm run lint && rails db:migrate', ['/app'], [[]]],
    ['npm run build', ['/app'], [[]]],
  ];
  it.each(cases)('%s', (line, dirs, env) => {
    const found = effects(line);
    expect(found.map((e) => e.dir)).toEqual(dirs);
    expect(found.map(envOf)).toEqual(env);
  });

  it('reports every guarded part of a shell line, not only the first', () => {
    const found = effects(['sh', '-c', "sqlite3 one.db 'delete from t' && ls && sqlite3 two.db 'delete from t'"]);
    expect(found.map((e) => e.client?.settings[0]?.value)).toEqual(['one.db', 'two.db']);
  });

  it('dotenv and env-cmd load files relative to where they run; dotenv -v sets one variable', () => {
    expect(effects('cd /other && dotenv -e .env.prod -v NODE_ENV=production -- rails db:migrate')[0]?.env).toEqual([
      { kind: 'file', path: '/other/.env.prod', written: '-e .env.prod' },
      { kind: 'set', name: 'NODE_ENV', value: 'production', text: 'NODE_ENV=production' },
    ]);
    expect(effects('env-cmd -f .env.staging rails db:migrate')[0]?.env).toEqual([{ kind: 'file', path: '/app/.env.staging', written: '-f .env.staging' }]);
  });

  it('. FILE and source FILE load a file for the commands after them', () => {
    expect(effects('set -a; . ./.env.production; set +a; rails db:migrate')[0]?.env).toEqual([{ kind: 'file', path: '/app/.env.production', written: '. ./.env.production' }]);
    expect(effects('source "$ENV_FILE" && rails db:migrate')[0]?.env).toEqual([{ kind: 'file', path: null, written: 'source "$ENV_FILE"', source: '"$ENV_FILE"' }]);
  });

  it('says what made a directory unknown', () => {
    expect(effects('cd $PROJECT && rails db:migrate')[0]?.unknownDirectory).toBe('cd $PROJECT');
  });

  it('keeps no client settings for a client run inside a container', () => {
    const [effect] = effects('docker compose exec db psql -U postgres -c "drop table x"');
    expect(effect?.inContainer).toBe(true);
    expect(effect?.client).toBeUndefined();
  });
});

describe('connection settings of database clients', () => {
  const words = (line: string) => parse(line).commands[0]!.words;
  const settings = (line: string) => {
    const [tool, ...args] = words(line);
    return clientConnection(tool!.text, args)?.settings.map((s) => `${s.setting}=${s.value}`) ?? null;
  };
  const cases: Array<[string, string[] | null]> = [
    ["psql postgres://u@prod/shop -c 'delete from t'", ['database=postgres://u@prod/shop']],
    ['psql -h db.example.com -d shop -c x', ['host=db.example.com', 'database=shop']],
    ['psql --host=prod --port 6543 -U admin shop', ['host=prod', 'port=6543', 'user=admin', 'database=shop']],
    ['psql -hprod -dshop', ['host=prod', 'database=shop']],
    ["psql 'host=prod dbname=shop' -f x.sql", ['database=host=prod dbname=shop']],
    ['psql -v ON_ERROR_STOP=1 -X -f seed.sql app_dev me', ['database=app_dev', 'user=me']],
    ['mysql -h prod -P 3307 -uroot -psecret shop -e "drop table x"', ['host=prod', 'port=3307', 'user=root', 'database=shop']],
    ['mysql -p --host=prod shop', ['host=prod', 'database=shop']],
    ['mariadb -S /run/mysqld.sock -D shop', ['socket=/run/mysqld.sock', 'database=shop']],
    ['mysqladmin -h prod drop shop', ['host=prod', 'database=shop']],
    ['mysql --defaults-file=prod.cnf shop', ['options-file=prod.cnf', 'database=shop']],
    ['mongosh "mongodb+srv://cluster0.example.net/shop" --eval "db.x.drop()"', ['url=mongodb+srv://cluster0.example.net/shop']],
    ["sqlite3 other.db 'delete from t'", ['file=other.db']],
    ['sqlite3 -cmd ".timeout 100" other.db', ['file=other.db']],
    ['pg_restore -d shop -h prod backup.dump', ['database=shop', 'host=prod']],
    ['dropdb -h prod shop', ['host=prod', 'database=shop']],
    ['pg_dump -t users -h prod shop', ['host=prod', 'database=shop']],
    ['psql -h $HOST -c x', ['host=null']],
    ['rails db:migrate', null],
  ];
  it.each(cases)('%s', (line, expected) => {
    expect(settings(line)).toEqual(expected);
  });
});
