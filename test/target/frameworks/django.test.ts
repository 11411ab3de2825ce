import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readDjango } from '../../../src/target/frameworks/django.js';
import { inputFor, removeProjects, writeProject } from './project-dir.js';
import { cookiecutterProject, managePy, POSTGRES_FROM_ENVIRON, startproject, startprojectSettings } from './django-layout.js';

afterEach(removeProjects);

describe('readDjango', () => {
  it('is Django only with a manage.py', () => {
    expect(readDjango(inputFor(writeProject({ 'mysite/settings.py': '' }), ['pytest']))).toBeNull();
  });

  it('reads the SQLite file of a fresh startproject, from manage.py\'s default settings', () => {
    const root = writeProject(startproject());
    const reading = readDjango(inputFor(root, ['python', 'manage.py', 'migrate']))!;
    expect(reading.problems).toEqual([]);
    expect(reading.environment).toEqual({ name: 'mysite.settings', reason: "manage.py's default DJANGO_SETTINGS_MODULE=mysite.settings" });
    expect(reading.candidates).toEqual([
      {
        framework: 'django',
        label: "settings DATABASES['default']",
        relativeTo: root,
        source: { file: path.join(root, 'mysite', 'settings.py'), key: "DATABASES['default']" },
        fields: { engine: 'sqlite', database: path.join(root, 'db.sqlite3') },
        fieldSources: {
          engine: { file: path.join(root, 'mysite', 'settings.py'), key: "DATABASES['default']['ENGINE']" },
          database: { file: path.join(root, 'mysite', 'settings.py'), key: "DATABASES['default']['NAME']" },
        },
      },
    ]);
  });

  it('reads the older os.path.join(BASE_DIR, …) form', () => {
    const databases = `import os\nBASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))\n\nDATABASES = {\n    'default': {\n        'ENGINE': 'django.db.backends.sqlite3',\n        'NAME': os.path.join(BASE_DIR, 'db.sqlite3'),\n    }\n}`;
    const root = writeProject({ 'manage.py': managePy('mysite.settings'), 'mysite/settings.py': databases });
    expect(readDjango(inputFor(root, ['./manage.py', 'migrate']))!.candidates[0]?.fields?.database).toBe(path.join(root, 'db.sqlite3'));
  });

  it('names no target for `manage.py test` with SQLite: the test database is in memory', () => {
    const root = writeProject(startproject());
    const reading = readDjango(inputFor(root, ['python', 'manage.py', 'test']))!;
    expect(reading.problems).toEqual([]);
    expect(reading.candidates).toEqual([]);
    expect(reading.environment?.reason).toContain('test databases it creates');
  });

  it('reads os.environ.get values: the default when unset, the production host when set', () => {
    const root = writeProject(startproject(POSTGRES_FROM_ENVIRON, 'import os'));
    const safe = readDjango(inputFor(root, ['python', 'manage.py', 'migrate']))!;
    expect(safe.problems).toEqual([]);
    expect(safe.candidates[0]?.fields).toEqual({ engine: 'postgres', database: 'shop', host: 'localhost', port: '5432', user: 'postgres' });
    expect(safe.candidates[0]?.fieldSources?.host).toEqual({ file: path.join(root, 'mysite', 'settings.py'), key: "DATABASES['default']['HOST']", variable: 'POSTGRES_HOST', isDefault: true });
    const production = readDjango(inputFor(root, ['python', 'manage.py', 'migrate'], { POSTGRES_HOST: 'db.prod.example.com' }))!;
    expect(production.candidates[0]?.fields?.host).toBe('db.prod.example.com');
    expect(production.candidates[0]?.fieldSources?.host).toMatchObject({ variable: 'POSTGRES_HOST' });
  });

  it('names test_<NAME> (or TEST NAME) for `manage.py test`, created by the run', () => {
    const root = writeProject(startproject(POSTGRES_FROM_ENVIRON, 'import os'));
    const reading = readDjango(inputFor(root, ['python', 'manage.py', 'test', 'shop.tests']))!;
    expect(reading.candidates[0]).toMatchObject({ fields: { engine: 'postgres', database: 'test_shop', host: 'localhost' }, createdByRun: true });
    const named = writeProject(startproject(POSTGRES_FROM_ENVIRON.replace("'PORT'", "'TEST': {'NAME': 'shop_ci'},\n        'PORT'"), 'import os'));
    expect(readDjango(inputFor(named, ['python', 'manage.py', 'test']))!.candidates[0]?.fields?.database).toBe('shop_ci');
  });

  it('lets --settings win over DJANGO_SETTINGS_MODULE, and that over manage.py', () => {
    const files = { ...startproject(), 'mysite/settings_ci.py': startprojectSettings(POSTGRES_FROM_ENVIRON, 'import os') };
    const root = writeProject(files);
    const fromVariable = readDjango(inputFor(root, ['python', 'manage.py', 'migrate'], { DJANGO_SETTINGS_MODULE: 'mysite.settings_ci' }))!;
    expect(fromVariable.environment?.name).toBe('mysite.settings_ci');
    expect(fromVariable.candidates[0]?.fields?.engine).toBe('postgres');
    const fromFlag = readDjango(inputFor(root, ['python', 'manage.py', 'migrate', '--settings=mysite.settings'], { DJANGO_SETTINGS_MODULE: 'mysite.settings_ci' }))!;
    expect(fromFlag.environment).toEqual({ name: 'mysite.settings', reason: '--settings=mysite.settings on the command line' });
    expect(fromFlag.candidates[0]?.fields?.engine).toBe('sqlite');
  });

  it('reads a django-environ settings package: env.db(), from .base import *, pytest-django --ds', () => {
    const root = writeProject(cookiecutterProject());
    const local = readDjango(inputFor(root, ['python', 'manage.py', 'migrate'], { DATABASE_URL: 'postgres://shop@db.prod.example.com:5432/shop' }))!;
    expect(local.problems).toEqual([]);
    expect(local.environment?.name).toBe('config.settings.local');
    expect(local.candidates[0]).toMatchObject({ url: 'postgres://shop@db.prod.example.com:5432/shop', fieldSources: { database: { variable: 'DATABASE_URL' } } });
    expect(local.candidates[0]?.source.file).toBe(path.join(root, 'config', 'settings', 'base.py'));

    const pytest = readDjango(inputFor(root, ['pytest', '-x'], { DATABASE_URL: 'postgres://shop@127.0.0.1:5432/shop' }))!;
    expect(pytest.environment?.reason).toContain('DJANGO_SETTINGS_MODULE=config.settings.test in pytest.ini (pytest-django)');
    expect(pytest.candidates[0]).toMatchObject({ url: 'postgres://shop@127.0.0.1:5432/test_shop', createdByRun: true });
    // The test database replaces dbsafe's generic reading of DATABASE_URL (the development database is not what pytest uses).
    expect(pytest.candidates[0]?.source.variable).toBe('DATABASE_URL');
  });

  it('reports a variable that is unset and has no default', () => {
    const root = writeProject(cookiecutterProject());
    const reading = readDjango(inputFor(root, ['python', 'manage.py', 'migrate']))!;
    expect(reading.candidates).toEqual([]);
    expect(reading.problems).toHaveLength(1);
    expect(reading.problems[0]?.message).toMatch(/base\.py line \d+: DATABASE_URL is unset and has no default, so Django stops with an error/);
  });

  it('reads dj_database_url.config with an f-string SQLite default', () => {
    const databases = `import dj_database_url\n\nDATABASES = {\n    'default': dj_database_url.config(\n        default=f'sqlite:///{BASE_DIR / "db.sqlite3"}',\n        conn_max_age=600,\n    )\n}`;
    const root = writeProject(startproject(databases));
    const reading = readDjango(inputFor(root, ['python', 'manage.py', 'migrate']))!;
    expect(reading.problems).toEqual([]);
    expect(reading.candidates[0]).toMatchObject({ url: `sqlite:///${path.join(root, 'db.sqlite3')}`, fieldSources: { database: { variable: 'DATABASE_URL', isDefault: true } } });
    const parsed = writeProject(startproject(`import os\nimport dj_database_url\nDATABASES = {'default': dj_database_url.parse(os.environ['PRIMARY_URL'])}`));
    expect(readDjango(inputFor(parsed, ['python', 'manage.py', 'migrate'], { PRIMARY_URL: 'mysql://root@127.0.0.1/shop' }))!.candidates[0]?.url).toBe('mysql://root@127.0.0.1/shop');
  });

  it('reports values computed in code with their line, and judges the other databases', () => {
    const databases = `DATABASES = {\n    'default': {\n        'ENGINE': 'django.db.backends.postgresql',\n        'NAME': 'shop',\n        'HOST': get_secret('db_host'),\n    },\n    'analytics': {\n        'ENGINE': 'django.db.backends.mysql',\n        'NAME': 'analytics',\n        'HOST': '127.0.0.1',\n    },\n}`;
    const root = writeProject(startproject(databases));
    const reading = readDjango(inputFor(root, ['python', 'manage.py', 'migrate']))!;
    const settings = path.join(root, 'mysite', 'settings.py');
    expect(reading.problems).toEqual([{ framework: 'django', file: settings, message: expect.stringMatching(/settings\.py line \d+: get_secret\(…\) is computed in code/) }]);
    expect(reading.candidates.map((candidate) => candidate.fields?.database)).toEqual(['analytics']);
  });

  it('reports DATABASES chosen inside a block', () => {
    const databases = `${'DATABASES = {\'default\': {\'ENGINE\': \'django.db.backends.sqlite3\', \'NAME\': BASE_DIR / \'db.sqlite3\'}}'}\nif not DEBUG:\n    DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'NAME': 'shop', 'HOST': 'db.prod.example.com'}}`;
    const root = writeProject(startproject(databases));
    const reading = readDjango(inputFor(root, ['python', 'manage.py', 'migrate']))!;
    expect(reading.problems[0]?.message).toContain('DATABASES is set inside a block');
    expect(reading.candidates[0]?.fields?.engine).toBe('sqlite');
  });

  it('reports a settings module it cannot find, and a manage.py that names none', () => {
    const root = writeProject(startproject());
    const missing = readDjango(inputFor(root, ['python', 'manage.py', 'migrate', '--settings=mysite.nope']))!;
    expect(missing.problems[0]?.message).toContain('The Django settings module mysite.nope is not a file dbsafe can find');
    const bare = writeProject({ 'manage.py': 'import sys\n' });
    expect(readDjango(inputFor(bare, ['python', 'manage.py', 'migrate']))!.problems[0]?.message).toContain('No Django settings module is named');
  });
});
