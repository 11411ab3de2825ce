// The app's whole data layer: the sqlite3 command-line client, so the example
// needs no npm dependency. SQL goes in on stdin, never on the command line.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));

function databaseFile() {
  const fromEnv = process.env.DATABASE_URL ?? /^DATABASE_URL=(.*)$/m.exec(readFileSync(path.join(root, '.env'), 'utf8'))?.[1];
  if (!fromEnv?.startsWith('sqlite:')) throw new Error('DATABASE_URL must be a sqlite: URL (see .env)');
  return path.resolve(root, fromEnv.slice('sqlite:'.length));
}

export function sql(statements) {
  const file = databaseFile();
  mkdirSync(path.dirname(file), { recursive: true });
  return execFileSync('sqlite3', ['-batch', '-bail', file], { input: statements, encoding: 'utf8' }).trim();
}
