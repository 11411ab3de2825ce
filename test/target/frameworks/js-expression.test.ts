import { describe, expect, it } from 'vitest';
import { parseModule } from '../../../src/target/frameworks/js-module.js';
import { TokenizeError } from '../../../src/target/frameworks/js-tokens.js';
import { followValue, resolveScalar } from '../../../src/target/frameworks/js-values.js';

/** The value `export default { value: <expression> }` gives, with `vars` set. */
function scalar(expression: string, vars: Record<string, string> = {}, prelude = '') {
  const module = parseModule(`${prelude}\nexport default { value: ${expression} }\n`);
  const object = followValue(module.defaultExport, module);
  if (object?.kind !== 'object') throw new Error('no object');
  return resolveScalar(object.entries.get('value'), { module, variable: (name) => vars[name] });
}

describe('reading configuration expressions as text', () => {
  it.each([
    ["'literal'", {}, { value: 'literal', unset: [] }],
    ['"double \\"quoted\\""', {}, { value: 'double "quoted"', unset: [] }],
    ['5432', {}, { value: '5432', unset: [] }],
    ['process.env.DATABASE_URL', { DATABASE_URL: 'postgres://h/db' }, { value: 'postgres://h/db', variable: 'DATABASE_URL', unset: [] }],
    ['process.env.DATABASE_URL!', {}, { variable: 'DATABASE_URL', unset: ['DATABASE_URL'] }],
    ["process.env['DB_URL'] as string", { DB_URL: 'x' }, { value: 'x', variable: 'DB_URL', unset: [] }],
    ["process.env.DB_HOST ?? 'localhost'", {}, { value: 'localhost', variable: 'DB_HOST', isDefault: true, unset: [] }],
    ["process.env.DB_HOST || 'localhost'", { DB_HOST: '' }, { value: 'localhost', variable: 'DB_HOST', isDefault: true, unset: [] }],
    ["process.env.DB_HOST ?? 'localhost'", { DB_HOST: '' }, { value: '', variable: 'DB_HOST', unset: [] }],
    ['process.env.A ?? process.env.B ?? ""', { B: 'b' }, { value: 'b', variable: 'B', unset: [] }],
    ['process.env.A ?? process.env.B ?? ""', {}, { variable: 'A', unset: ['A', 'B'] }],
    ["env('POSTGRES_PRISMA_URL')", { POSTGRES_PRISMA_URL: 'p' }, { value: 'p', variable: 'POSTGRES_PRISMA_URL', unset: [] }],
    ["env<Env>('X')", { X: 'x' }, { value: 'x', variable: 'X', unset: [] }],
    ['env.DATABASE_URL', { DATABASE_URL: 'd' }, { value: 'd', variable: 'DATABASE_URL', unset: [] }],
    ["Number(process.env.DB_PORT ?? '5432')", {}, { value: '5432', variable: 'DB_PORT', isDefault: true, unset: [] }],
    ['parseInt(process.env.DB_PORT, 10)', { DB_PORT: '6543' }, { value: '6543', variable: 'DB_PORT', unset: [] }],
    ['+process.env.DB_PORT', { DB_PORT: '1' }, { value: '1', variable: 'DB_PORT', unset: [] }],
    ['`postgres://${process.env.U}@localhost/${process.env.DB}`', { U: 'me', DB: 'app' }, { value: 'postgres://me@localhost/app', variable: 'U', unset: [] }],
    ['`postgres://localhost/${process.env.DB}`', {}, { variable: 'DB', unset: ['DB'] }],
    ['URL', {}, { value: 'file:dev.db', unset: [] }],
  ] as const)('%s', (expression, vars, expected) => {
    expect(scalar(expression, vars, "const URL = 'file:dev.db'")).toEqual(expected);
  });

  it.each([
    ['getUrl()', 'getUrl(…)'],
    ['config.get("db.url")', 'config.get(…)'],
    ['isProd ? prodUrl : devUrl', 'isProd ? prodUrl : devUrl'],
    ['`${buildHost()}/db`', '`…${buildHost(…)}…`'],
    ['process.env.A + "/db"', 'process.env.A + "/db"'],
    ['async () => ({ host: await lookup() })', 'async () => ({ host: await lookup() })'],
  ])('%s is computed', (expression, text) => {
    expect(scalar(expression).computed).toBe(text);
  });

  it('reads module.exports, export default, defineConfig, satisfies and semicolon-free statements', () => {
    const module = parseModule(`import { defineConfig } from 'drizzle-kit'
const base = { host: 'a' }
if (!process.env.X) { dotenv.config({ path: '.env.local' }) }
function helper() { const inner = 1; return inner }
const config = defineConfig({ ...base, database: 'd' }) satisfies Config
export default config
`);
    const value = followValue(module.defaultExport, module);
    expect(value?.kind === 'object' && [...value.entries.keys()]).toEqual(['database']);
    expect(value?.kind === 'object' && value.spread).toBe(true);
    expect([...module.bindings.keys()]).toEqual(['base', 'config']);
    expect(parseModule('module.exports = { a: 1 };\nmodule.exports.b = 2;\n').defaultExport).toMatchObject({ kind: 'object' });
  });

  it('finds every new DataSource(…) in the file, with its options', () => {
    const module = parseModule(`export const A = new DataSource({ type: 'postgres' })\nexport function make() { return new typeorm.DataSource(options) }\n`);
    expect(module.constructions.map((c) => [c.callee, c.args[0]?.kind])).toEqual([
      ['DataSource', 'object'],
      ['typeorm.DataSource', 'identifier'],
    ]);
  });

  it('ignores comments and reports unclosed strings, templates and comments with their line', () => {
    expect(followValue(parseModule('// x = "\nexport default { /* "no */ a: \'b\' } // "\n').defaultExport, parseModule('')) ).toMatchObject({ kind: 'object' });
    expect(() => parseModule("\nconst a = 'open\n")).toThrow(new TokenizeError('a string starting on line 2 is not closed'));
    expect(() => parseModule('const a = `open ${x}')).toThrow(new TokenizeError('a template string starting on line 1 is not closed'));
    expect(() => parseModule('/* open')).toThrow(new TokenizeError('a comment starting on line 1 is not closed'));
  });
});
