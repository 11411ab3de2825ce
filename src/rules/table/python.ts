import type { CommandRule } from '../types.js';

/** Python: Django's manage.py, Alembic, Flask-Migrate, test runners. */
export const PYTHON_RULES: readonly CommandRule[] = [
  { id: 'django-write', tools: ['manage.py', 'django-admin', 'django'], args: ['migrate', 'flush', 'loaddata', 'reset_db', 'dbshell', 'createsuperuser', 'sqlsequencereset', 'createcachetable', 'changepassword', 'clearsessions', 'remove_stale_contenttypes', 'testserver'], guard: true, kind: 'migration', reason: 'migrates, flushes or loads data into the database, or opens a database client' },
  { id: 'django-test', tools: ['manage.py', 'django-admin', 'django'], args: ['test'], guard: true, kind: 'test', reason: 'runs the test suite, which creates and destroys a test database on the configured server' },
  { id: 'django-read-only', tools: ['manage.py', 'django-admin', 'django'], args: ['makemigrations', 'showmigrations', 'sqlmigrate', 'sqlflush', 'inspectdb', 'dumpdata', 'check', 'runserver', 'collectstatic', 'startapp', 'startproject', 'squashmigrations', 'optimizemigration', 'compilemessages', 'makemessages', 'diffsettings', 'sendtestemail', 'findstatic', 'ogrinspect', 'compress', 'spectacular', 'graph_models', 'show_urls', 'validate_templates', 'runserver_plus'], guard: false, kind: 'read-only', reason: 'generates files, prints SQL without running it, or reads data' },

  { id: 'app-console', tools: ['manage.py', 'django-admin', 'django'], args: ['shell', 'shell_plus', 'runscript'], guard: true, kind: 'client', reason: 'opens the application shell or runs code in the application, where any row can be changed' },
  { id: 'app-console', tools: ['flask'], args: ['shell'], guard: true, kind: 'client', reason: 'opens the application shell, where any row can be changed' },

  { id: 'alembic-write', tools: ['alembic'], args: ['upgrade', 'downgrade', 'stamp'], guard: true, kind: 'migration', reason: 'applies, rolls back or re-stamps migrations' },
  { id: 'alembic-read-only', tools: ['alembic'], args: ['revision', 'history', 'current', 'heads', 'branches', 'show', 'check', 'init', 'merge', 'edit', 'list_templates'], guard: false, kind: 'generator', reason: 'creates a revision file or reads migration state' },
  { id: 'flask-migrate-write', tools: ['flask', 'manage.py'], args: ['db upgrade', 'db downgrade', 'db stamp'], guard: true, kind: 'migration', reason: 'applies, rolls back or re-stamps migrations' },
  { id: 'flask-migrate-read-only', tools: ['flask', 'manage.py'], args: ['db migrate', 'db revision', 'db history', 'db current', 'db heads', 'db show', 'db init', 'db check', 'db merge'], guard: false, kind: 'generator', reason: 'autogenerates a revision file or reads migration state' },

  { id: 'yoyo-write', tools: ['yoyo', 'yoyo-migrate'], args: ['apply', 'rollback', 'reapply', 'develop', 'mark', 'unmark', 'break-lock'], guard: true, kind: 'migration', reason: 'applies, rolls back or re-marks yoyo migrations in the database' },
  { id: 'yoyo-read-only', tools: ['yoyo', 'yoyo-migrate'], args: ['new', 'list', 'init', 'showmigrations'], guard: false, kind: 'generator', reason: 'creates a migration file or lists migrations' },

  { id: 'python-test-runner', tools: ['pytest', 'py.test', 'unittest', 'nose2', 'tox', 'nox'], always: true, guard: true, kind: 'test', reason: 'runs a test suite, which usually writes to the configured database' },
];
