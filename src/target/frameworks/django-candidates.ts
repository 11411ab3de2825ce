import type { EngineName } from '../types.js';
import type { DjangoDatabases, Located } from './django-settings.js';
import { evaluateDjangoValue, NotReadable, type DjangoValue, type ValueScope } from './django-values.js';
import { djangoMessages } from './messages-laravel-rails-django.js';
import { isInMemorySqlite } from './project-files.js';
import { dottedName, type PyExpr } from './python-source.js';
import type { FrameworkCandidate, FrameworkField, FrameworkProblem, FrameworkSource } from './types.js';

const SETTINGS_FIELDS: [string, Exclude<FrameworkField, 'engine'>][] = [
  ['NAME', 'database'],
  ['HOST', 'host'],
  ['PORT', 'port'],
  ['USER', 'user'],
  ['PASSWORD', 'password'],
];

/** Backends by the words in their module path (django.db.backends.postgresql, django.contrib.gis.db.backends.postgis…). */
function engineOf(backend: string): EngineName | undefined {
  if (/postgres|postgis/.test(backend)) return 'postgres';
  if (/mysql/.test(backend)) return 'mysql';
  if (/sqlite3|spatialite/.test(backend)) return 'sqlite';
  return undefined;
}

/** django-environ's env.db()/env.db_url() and dj_database_url.config()/parse(): a whole URL, DATABASE_URL by default. */
const URL_READERS = /^(env\.db|env\.db_url|environ\.Env\.db_url|dj_database_url\.config|dj_database_url\.parse|db_url\.config)$/;

export interface CandidateContext {
  root: string;
  scope: ValueScope;
  problems: FrameworkProblem[];
  testRun: boolean;
}

function problem(context: CandidateContext, error: unknown): undefined {
  if (!(error instanceof NotReadable)) throw error;
  const message = error.unset ? djangoMessages.unset(error.file, error.line, error.unset) : djangoMessages.computed(error.file, error.line, error.what);
  context.problems.push({ framework: 'django', file: error.file, message });
  return undefined;
}

function sourceOf(at: Located, key: string, value: DjangoValue): FrameworkSource {
  return { file: at.file, key, ...(value.variable ? { variable: value.variable } : {}), ...(value.isDefault ? { isDefault: true } : {}) };
}

function urlOf(expr: PyExpr, at: Located, scope: ValueScope): DjangoValue | undefined {
  if (expr.kind !== 'call') return undefined;
  const callee = dottedName(expr.callee) ?? '';
  if (!URL_READERS.test(callee)) return undefined;
  const evaluate = (inner: PyExpr) => evaluateDjangoValue(inner, at, scope);
  const [first] = expr.args;
  if (callee.endsWith('.parse')) return first ? evaluate(first) : undefined;
  const variableName = callee.startsWith('env') || callee.startsWith('environ') ? (first?.kind === 'str' ? first.value : 'DATABASE_URL') : (expr.kwargs['env']?.kind === 'str' ? (expr.kwargs['env'] as { value: string }).value : 'DATABASE_URL');
  const value = scope.variable(variableName);
  if (value !== undefined) return { value, variable: variableName };
  const fallback = expr.kwargs['default'];
  if (fallback) return { ...evaluate(fallback), variable: variableName, isDefault: true };
  throw new NotReadable(at.line, at.file, variableName, variableName);
}

/** The test database's URL: test_<name> on the same server; none for SQLite (in memory). */
function testUrl(url: string): string | undefined {
  if (/^sqlite|^spatialite/.test(url)) return undefined;
  try {
    const parsed = new URL(url);
    parsed.pathname = `/test_${decodeURIComponent(parsed.pathname.replace(/^\//, ''))}`;
    return parsed.toString();
  } catch {
    return url;
  }
}

/** One DATABASES alias as a candidate: for test runs, the test database the runner creates. */
export function djangoCandidate(context: CandidateContext, databases: DjangoDatabases, alias: string): FrameworkCandidate | undefined {
  const entry = databases.aliases.get(alias)!;
  const at = entry.value;
  const key = `DATABASES['${alias}']`;
  const base: Pick<FrameworkCandidate, 'framework' | 'relativeTo' | 'source'> = { framework: 'django', relativeTo: context.root, source: { file: at.file, key } };
  let url: DjangoValue | undefined;
  try {
    url = urlOf(at.expr, at, context.scope);
  } catch (error) {
    return problem(context, error);
  }
  if (url?.value) {
    const source = sourceOf(at, key, url);
    // A URL read from a variable (DATABASE_URL) replaces dbsafe's generic reading of it: a test run uses test_<NAME>, not it.
    if (url.variable && !url.isDefault) base.source = { ...base.source, variable: url.variable };
    if (!context.testRun) return { ...base, label: `settings ${key}`, url: url.value, fieldSources: { database: source } };
    const test = testUrl(url.value);
    return test ? { ...base, label: `settings ${key} (test database)`, url: test, createdByRun: true, fieldSources: { database: source } } : undefined;
  }
  if (at.expr.kind !== 'dict') return problem(context, new NotReadable(at.line, at.file, key));
  const settings = new Map<string, Located>();
  for (const item of at.expr.entries) if (item.key.kind === 'str') settings.set(item.key.value, { ...at, expr: item.value });
  for (const [name, value] of entry.keys) settings.set(name, value);

  const read = (name: string): DjangoValue | undefined => {
    const written = settings.get(name);
    return written ? evaluateDjangoValue(written.expr, written, context.scope) : undefined;
  };
  let backend: DjangoValue | undefined;
  try {
    backend = read('ENGINE');
  } catch (error) {
    return problem(context, error);
  }
  if (!backend?.value) {
    context.problems.push({ framework: 'django', file: at.file, message: djangoMessages.noEngine(at.file, alias) });
    return undefined;
  }
  const engine = engineOf(backend.value);
  if (!engine) {
    context.problems.push({ framework: 'django', file: at.file, message: djangoMessages.unsupportedEngine(at.file, alias, backend.value) });
    return undefined;
  }
  const fields: NonNullable<FrameworkCandidate['fields']> = { engine };
  const fieldSources: NonNullable<FrameworkCandidate['fieldSources']> = { engine: sourceOf(settings.get('ENGINE')!, `${key}['ENGINE']`, backend) };
  for (const [name, field] of SETTINGS_FIELDS) {
    try {
      const value = read(name);
      if (!value?.value) continue;
      fields[field] = value.value;
      fieldSources[field] = sourceOf(settings.get(name)!, `${key}['${name}']`, value);
    } catch (error) {
      if (field === 'user' || field === 'password') continue;
      return problem(context, error);
    }
  }
  if (!context.testRun) return engine === 'sqlite' && isInMemorySqlite(fields.database) ? undefined : { ...base, label: `settings ${key}`, fields, fieldSources };
  return testCandidate(context, { ...base, label: `settings ${key} (test database)`, fields, fieldSources }, settings.get('TEST'));
}

/** Django's test runner creates TEST['NAME'], else test_<NAME>; SQLite test databases are in memory unless TEST['NAME'] names a file. */
function testCandidate(context: CandidateContext, candidate: FrameworkCandidate, test: Located | undefined): FrameworkCandidate | undefined {
  let testName: DjangoValue | undefined;
  if (test?.expr.kind === 'dict') {
    const name = test.expr.entries.find((item) => item.key.kind === 'str' && item.key.value === 'NAME');
    try {
      testName = name ? evaluateDjangoValue(name.value, test, context.scope) : undefined;
    } catch (error) {
      return problem(context, error);
    }
  }
  const fields = { ...candidate.fields! };
  const fieldSources = { ...candidate.fieldSources };
  if (testName?.value) {
    fields.database = testName.value;
    fieldSources.database = sourceOf(test!, `${candidate.source.key}['TEST']['NAME']`, testName);
  } else if (fields.engine === 'sqlite') return undefined;
  else fields.database = `test_${fields.database ?? ''}`;
  if (fields.engine === 'sqlite' && (isInMemorySqlite(fields.database) || fields.database?.startsWith('file:memorydb'))) return undefined;
  return { ...candidate, fields, fieldSources, createdByRun: true };
}
