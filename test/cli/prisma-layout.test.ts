import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** `prisma init --datasource-provider sqlite` as a new user has it: the schema in prisma/, the database file beside it. */
function prismaProject(provider: string, url: string): string {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  const files: Record<string, string> = {
    'package.json': JSON.stringify({ name: 'app', devDependencies: { dbsafe: '*' }, scripts: { 'db:migrate': 'prisma migrate dev' } }),
    'prisma/schema.prisma': `generator client {\n  provider = "prisma-client-js"\n}\n\ndatasource db {\n  provider = "${provider}"\n  url      = env("DATABASE_URL")\n}\n\nmodel User {\n  id    Int    @id @default(autoincrement())\n  email String @unique\n}\n`,
    '.env': `DATABASE_URL="${url}"\n`,
    // A stand-in for the Prisma CLI (npm puts node_modules/.bin on PATH): it changes the database, as a migration does.
    'node_modules/.bin/prisma': '#!/bin/sh\nsqlite3 prisma/dev.db "DELETE FROM User"\necho ran > ran.txt\n',
  };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  chmodSync(path.join(dir, 'node_modules/.bin/prisma'), 0o755);
  return dir;
}

describe('Prisma\'s default SQLite layout (DATABASE_URL="file:./dev.db", the file at prisma/dev.db)', () => {
  it('explain --json names prisma/dev.db, read through schema.prisma, and judges it safe; check is SAFE', async () => {
    const dir = prismaProject('sqlite', 'file:./dev.db');
    execFileSync('sqlite3', [path.join(dir, 'prisma/dev.db'), "CREATE TABLE User(id INTEGER PRIMARY KEY, email TEXT); INSERT INTO User(email) VALUES ('a@example.com');"]);
    const explain = await runCli(['explain', '--json', '--', 'npx', 'prisma', 'migrate', 'dev'], { cwd: dir });
    const json = JSON.parse(explain.stdout) as { verdict: string; target: Array<{ engine: string; database: string; source: { variable?: string; readBy?: { file?: string; key: string } } }> };
    expect(json.verdict).toBe('safe');
    expect(json.target).toEqual([expect.objectContaining({ engine: 'sqlite', database: path.join(dir, 'prisma/dev.db'), source: expect.objectContaining({ variable: 'DATABASE_URL', readBy: { file: path.join(dir, 'prisma/schema.prisma'), key: expect.stringContaining('url') } }) })]);
    const check = await runCli(['check'], { cwd: dir });
    expect(check.code, check.stdout).toBe(0);
    expect(check.stdout).toContain('prisma/dev.db');
    expect(check.stdout).not.toContain('does not exist');
  });

  it('a guarded run backs up prisma/dev.db before the migration runs', async () => {
    const dir = prismaProject('sqlite', 'file:./dev.db');
    execFileSync('sqlite3', [path.join(dir, 'prisma/dev.db'), "CREATE TABLE User(id INTEGER PRIMARY KEY, email TEXT); INSERT INTO User(email) VALUES ('a@example.com');"]);
    // --mode dump: a file backup, whose content shows which file was protected.
    const result = await runCli(['run', '--mode', 'dump', '--', 'npm', 'run', 'db:migrate'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/backed up dev\.db → /);
    expect(existsSync(path.join(dir, 'ran.txt'))).toBe(true);
    const backups = readdirSync(path.join(dir, 'backups')).filter((name) => /^dev_.*\.sqlite$/.test(name));
    expect(backups.length).toBe(1);
    // The backup holds the row the migration deleted.
    const restored = await runCli(['restore', '--yes'], { cwd: dir });
    expect(restored.code, restored.stderr).toBe(0);
    expect(execFileSync('sqlite3', [path.join(dir, 'prisma/dev.db'), 'SELECT email FROM User'], { encoding: 'utf8' })).toBe('a@example.com\n');
  });

  it('a production PostgreSQL URL in .env refuses the migration, which never runs', async () => {
    const dir = prismaProject('postgresql', 'postgresql://app:secret@db.prod.example.com:5432/shop');
    const explain = JSON.parse((await runCli(['explain', '--json', '--', 'npx', 'prisma', 'migrate', 'dev'], { cwd: dir })).stdout) as { verdict: string };
    expect(explain.verdict).toBe('refused');
    const result = await runCli(['run', '--', 'npm', 'run', 'db:migrate'], { cwd: dir });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('db.prod.example.com');
    expect(existsSync(path.join(dir, 'ran.txt'))).toBe(false);
  });
});
