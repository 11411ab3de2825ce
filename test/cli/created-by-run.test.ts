import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A Django project as `django-admin startproject shop` writes it, with `python` on PATH replaced by a stand-in that records its run. */
function djangoProject(host: string, name: string): { dir: string; env: Record<string, string> } {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  const files: Record<string, string> = {
    'dbsafe.config.json': '{}',
    'manage.py': '#!/usr/bin/env python\nimport os\nimport sys\n\n\ndef main():\n    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\n    from django.core.management import execute_from_command_line\n    execute_from_command_line(sys.argv)\n\n\nif __name__ == "__main__":\n    main()\n',
    'shop/__init__.py': '',
    'shop/settings.py': `from pathlib import Path\n\nBASE_DIR = Path(__file__).resolve().parent.parent\n\nDATABASES = {\n    "default": {\n        "ENGINE": "django.db.backends.postgresql",\n        "NAME": "${name}",\n        "USER": "postgres",\n        "HOST": "${host}",\n        "PORT": "5432",\n    }\n}\n`,
    'bin/python': '#!/bin/sh\necho "$@" > ran.txt\n',
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  chmodSync(path.join(dir, 'bin/python'), 0o755);
  return { dir, env: { PATH: `${path.join(dir, 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}` } };
}

describe('a database the framework creates for the run (Django\'s test_<NAME>)', () => {
  it('is judged on its server and nothing is backed up: `manage.py test` runs', async () => {
    // The test database does not exist: Django creates it for the run. Nothing on the server is touched.
    const name = `dbsafe_test_${randomBytes(4).toString('hex')}`;
    const { dir, env } = djangoProject('127.0.0.1', name);
    const explain = JSON.parse((await runCli(['explain', '--json', '--', 'python', 'manage.py', 'test'], { cwd: dir, env })).stdout) as { verdict: string; target: Array<{ database: string; createdByRun?: boolean }> };
    expect(explain.verdict).toBe('safe');
    expect(explain.target).toEqual([expect.objectContaining({ database: `test_${name}`, createdByRun: true })]);
    const result = await runCli(['run', '--', 'python', 'manage.py', 'test'], { cwd: dir, env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`nothing to back up: database test_${name}`);
    expect(readFileSync(path.join(dir, 'ran.txt'), 'utf8')).toBe('manage.py test\n');
  });

  it('on a remote server it is refused, and the tests never run', async () => {
    const { dir, env } = djangoProject('db.prod.example.com', 'shop');
    const result = await runCli(['run', '--', 'python', 'manage.py', 'test'], { cwd: dir, env });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('db.prod.example.com');
    expect(existsSync(path.join(dir, 'ran.txt'))).toBe(false);
  });
});
