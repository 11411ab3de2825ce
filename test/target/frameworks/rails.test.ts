import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { evaluateErb, UNEVALUATED } from '../../../src/target/frameworks/rails-erb.js';
import { readRails } from '../../../src/target/frameworks/rails.js';
import { inputFor, removeProjects, writeProject } from './project-dir.js';
import { RAILS_GEMFILE, RAILS_SQLITE_YML, railsPostgresYml, railsProject } from './rails-layout.js';

afterEach(removeProjects);

const withHost = (yml: string, host: string) => yml.replace('test:\n  <<: *default\n', `test:\n  <<: *default\n  host: ${host}\n`);

describe('evaluateErb', () => {
  const variables: Record<string, string> = { DB_HOST: 'db.internal', EMPTY: '' };
  const erb = (code: string) => evaluateErb(`x: <%= ${code} %>\n`, (name) => variables[name]);
  it.each([
    ['ENV["DB_HOST"]', 'x: db.internal\n'],
    ["ENV['DB_HOST']", 'x: db.internal\n'],
    ['ENV["MISSING"]', 'x: \n'],
    ['ENV.fetch("DB_HOST", "localhost")', 'x: db.internal\n'],
    ['ENV.fetch("MISSING", "localhost")', 'x: localhost\n'],
    ['ENV.fetch("MISSING") { "localhost" }', 'x: localhost\n'],
    ['ENV.fetch("RAILS_MAX_THREADS") { 5 }', 'x: 5\n'],
    ['ENV.fetch("MISSING") { 5 }.to_i', 'x: 5\n'],
    ['ENV["MISSING"] || "fallback"', 'x: fallback\n'],
    ['ENV["EMPTY"] || "fallback"', 'x: \n'],
  ])('evaluates %s', (code, text) => {
    const result = erb(code);
    expect(result.failures).toEqual([]);
    expect(result.text).toBe(text);
  });

  it('records the variables each line read, and whether a default was used', () => {
    const result = evaluateErb('a: 1\nhost: <%= ENV.fetch("MISSING", "localhost") %>\n', () => undefined);
    expect(result.uses).toEqual([{ line: 2, variables: ['MISSING'], usedDefault: true }]);
  });

  it.each([
    ['Rails.application.credentials.dig(:db, :host)', /"Rails" is not a literal/],
    ['ENV["DB_HOST"].sub("a", "b")', /the method \.sub/],
    ['"db-#{ENV["N"]}"', /interpolation/],
    ['ENV.fetch("MISSING")', /without a default, and MISSING is unset/],
  ])('refuses %s, naming the line', (code, reason) => {
    const result = evaluateErb(`a: 1\nx: <%= ${code} %>\n`, () => undefined);
    expect(result.text).toBe(`a: 1\nx: ${UNEVALUATED}\n`);
    expect(result.failures).toEqual([expect.objectContaining({ line: 2, reason: expect.stringMatching(reason) })]);
  });

  it('ignores tags inside YAML comments, and reports control code', () => {
    const result = evaluateErb('#   url: <%= ENV["X"].foo %>\n<% if true %>\na: 1\n<% end %>\n', () => undefined);
    expect(result.failures.map((failure) => failure.line)).toEqual([2, 4]);
    expect(result.failures[0]?.reason).toContain('not an output tag');
  });
});

describe('readRails', () => {
  it('is Rails only with a Gemfile naming rails or config/application.rb', () => {
    expect(readRails(inputFor(writeProject({ 'config/database.yml': RAILS_SQLITE_YML }), ['rails', 'db:migrate']))).toBeNull();
    const gemfileOnly = writeProject({ Gemfile: RAILS_GEMFILE, 'config/database.yml': RAILS_SQLITE_YML });
    expect(readRails(inputFor(gemfileOnly, ['rails', 'db:migrate']))?.framework).toBe('rails');
  });

  it('reads the test entry of `rails new -d postgresql` for `bundle exec rspec`', () => {
    const root = writeProject(railsProject(railsPostgresYml('shop')));
    const reading = readRails(inputFor(root, ['bundle', 'exec', 'rspec']))!;
    expect(reading.problems).toEqual([]);
    expect(reading.environment).toEqual({ name: 'test', reason: 'test: `rspec` runs with RAILS_ENV=test' });
    expect(reading.candidates).toEqual([
      {
        framework: 'rails',
        label: 'database.yml `test`',
        relativeTo: root,
        source: { file: path.join(root, 'config', 'database.yml'), key: 'test' },
        fields: { engine: 'postgres', database: 'shop_test' },
        fieldSources: {
          engine: { file: path.join(root, 'config', 'database.yml'), key: 'test.adapter' },
          database: { file: path.join(root, 'config', 'database.yml'), key: 'test.database' },
        },
      },
    ]);
  });

  it('chooses the environment: test runs, RAILS_ENV/RACK_ENV, -e, RAILS_ENV= arguments, else development', () => {
    const root = writeProject(railsProject(railsPostgresYml('shop')));
    const name = (argv: string[] | null, shell: Record<string, string> = {}) => readRails(inputFor(root, argv, shell))?.environment?.name;
    expect(name(['bin/rails', 'test'])).toBe('test');
    expect(name(['rails', 'test:system'])).toBe('test');
    expect(name(['bin/rspec', 'spec/models'])).toBe('test');
    expect(name(['rake', 'spec'])).toBe('test');
    expect(name(['bundle', 'exec', 'rake'])).toBe('test');
    expect(name(['bin/rails', 'db:test:prepare'])).toBe('test');
    expect(name(['rails', 'db:migrate'])).toBe('development');
    expect(name(['rails', 'db:migrate'], { RACK_ENV: 'staging' })).toBe('staging');
    expect(name(['bundle', 'exec', 'rspec'], { RAILS_ENV: 'production' })).toBe('production');
    expect(name(['rails', 'db:migrate', 'RAILS_ENV=production'])).toBe('production');
    expect(name(['rails', 'console', '-e', 'production'])).toBe('production');
    expect(name(null)).toBe('development');
  });

  it('also judges the test database for `rails db:drop` in development', () => {
    const root = writeProject(railsProject(railsPostgresYml('shop')));
    const reading = readRails(inputFor(root, ['bin/rails', 'db:drop']))!;
    expect(reading.candidates.map((candidate) => candidate.fields?.database)).toEqual(['shop_development', 'shop_test']);
    expect(reading.environment?.reason).toContain('also acts on the test database');
  });

  it('names every production database of the multi-database entry', () => {
    const root = writeProject(railsProject(railsPostgresYml('shop')));
    const reading = readRails(inputFor(root, ['rails', 'db:migrate'], { RAILS_ENV: 'production', SHOP_DATABASE_PASSWORD: 'secret' }))!;
    expect(reading.candidates.map((candidate) => [candidate.label, candidate.fields?.database, candidate.fields?.user, candidate.fields?.password])).toEqual([
      ['database.yml `production.primary`', 'shop_production', 'shop', 'secret'],
      ['database.yml `production.cache`', 'shop_production_cache', 'shop', 'secret'],
      ['database.yml `production.queue`', 'shop_production_queue', 'shop', 'secret'],
    ]);
    expect(reading.candidates[0]?.fieldSources?.password).toEqual({ file: path.join(root, 'config', 'database.yml'), key: 'production.primary.password', variable: 'ENV["SHOP_DATABASE_PASSWORD"]' });
  });

  it('reads ENV.fetch hosts: the default when unset, the production host when set', () => {
    const yml = withHost(railsPostgresYml('shop'), '<%= ENV.fetch("DB_HOST", "localhost") %>');
    const root = writeProject(railsProject(yml));
    const safe = readRails(inputFor(root, ['bundle', 'exec', 'rspec']))!;
    expect(safe.candidates[0]?.fields?.host).toBe('localhost');
    expect(safe.candidates[0]?.fieldSources?.host).toMatchObject({ variable: 'ENV["DB_HOST"]', isDefault: true });
    const production = readRails(inputFor(root, ['bundle', 'exec', 'rspec'], { DB_HOST: 'db.prod.example.com' }))!;
    expect(production.candidates[0]?.fields?.host).toBe('db.prod.example.com');
    expect(production.candidates[0]?.fieldSources?.host).toEqual({ file: path.join(root, 'config', 'database.yml'), key: 'test.host', variable: 'ENV["DB_HOST"]' });
  });

  it('merges DATABASE_URL into the current entry; url: in the entry wins; <NAME>_DATABASE_URL for other databases', () => {
    const root = writeProject(railsProject(railsPostgresYml('shop')));
    const merged = readRails(inputFor(root, ['rspec'], { DATABASE_URL: 'postgres://app@db.prod.example.com/shop' }))!;
    expect(merged.candidates[0]?.url).toBe('postgres://app@db.prod.example.com/shop');
    expect(merged.candidates[0]?.source.variable).toBe('DATABASE_URL');

    const multi = `default: &default\n  adapter: postgresql\n\ndevelopment:\n  primary:\n    <<: *default\n    url: postgres://localhost/shop_dev\n  animals:\n    <<: *default\n    database: animals_dev\n`;
    const project = writeProject(railsProject(multi));
    const reading = readRails(inputFor(project, ['rails', 'db:migrate'], { DATABASE_URL: 'postgres://db.prod.example.com/shop', ANIMALS_DATABASE_URL: 'postgres://db.prod.example.com/animals' }))!;
    expect(reading.candidates.map((candidate) => candidate.url)).toEqual(['postgres://localhost/shop_dev', 'postgres://db.prod.example.com/animals']);
  });

  it('resolves SQLite files relative to the project root', () => {
    const root = writeProject(railsProject(RAILS_SQLITE_YML, { Gemfile: RAILS_GEMFILE.replace('gem "pg", "~> 1.1"', 'gem "sqlite3", ">= 2.1"') }));
    const reading = readRails(inputFor(root, ['rails', 'db:migrate']))!;
    expect(reading.candidates[0]).toMatchObject({ fields: { engine: 'sqlite', database: 'storage/development.sqlite3' }, relativeTo: root });
  });

  it('maps mysql2 and trilogy to MySQL, and reports an adapter dbsafe cannot judge', () => {
    const yml = `development:\n  adapter: trilogy\n  database: shop_dev\n  host: 127.0.0.1\ntest:\n  adapter: sqlserver\n  database: shop_test\n`;
    const root = writeProject(railsProject(yml));
    expect(readRails(inputFor(root, ['rails', 'db:migrate']))!.candidates[0]?.fields?.engine).toBe('mysql');
    const test = readRails(inputFor(root, ['rspec']))!;
    expect(test.candidates).toEqual([]);
    expect(test.problems[0]?.message).toContain("uses the adapter 'sqlserver'");
  });

  it('reports a YAML syntax error with its line, and names no database', () => {
    const root = writeProject(railsProject('default: &default\n  adapter: postgresql\n\ntest:\n  <<: *default\n  database: [shop_test\n'));
    const reading = readRails(inputFor(root, ['rspec']))!;
    expect(reading.candidates).toEqual([]);
    expect(reading.problems).toHaveLength(1);
    expect(reading.problems[0]?.message).toMatch(/database\.yml line \d+ is not valid YAML \(.+\).*Fix the YAML/);
  });

  it('reports ERB it cannot evaluate with its line, and judges the rest', () => {
    const yml = withHost(railsPostgresYml('shop'), '<%= Rails.application.credentials.dig(:database, :host) %>');
    const root = writeProject(railsProject(yml));
    const test = readRails(inputFor(root, ['rspec']))!;
    const line = yml.split('\n').findIndex((text) => text.includes('credentials')) + 1;
    expect(test.problems[0]?.message).toContain(`database.yml line ${line}: <%= Rails.application.credentials.dig(:database, :host) %> cannot be evaluated without running Ruby`);
    expect(test.problems[1]?.message).toContain('test.host could not be evaluated');
    expect(test.candidates).toEqual([]);
    // The development entry does not use that line: it is judged as usual.
    const development = readRails(inputFor(root, ['rails', 'db:migrate']))!;
    expect(development.candidates[0]?.fields?.database).toBe('shop_development');
  });

  it('reports ENV.fetch of an unset variable without a default (Rails stops with KeyError)', () => {
    const yml = withHost(railsPostgresYml('shop'), '<%= ENV.fetch("DB_HOST") %>');
    const root = writeProject(railsProject(yml));
    const reading = readRails(inputFor(root, ['rspec']))!;
    expect(reading.problems[0]?.message).toContain('ENV.fetch("DB_HOST") has no default and DB_HOST is unset');
    expect(readRails(inputFor(root, ['rspec'], { DB_HOST: 'localhost' }))!.candidates[0]?.fields?.host).toBe('localhost');
  });
});
