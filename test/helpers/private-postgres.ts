import { execFileSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

/** The server binaries of the machine's PostgreSQL, for tests that start a private instance. */
export const PG_BIN = '/usr/lib/postgresql/15/bin';

/**
 * Runs a server binary as the postgres user (initdb refuses root). Output goes
 * to `logFile`: a started server inherits the descriptors and would hold a pipe open.
 */
export function runAsPostgres(program: string, args: string[], logFile: string): void {
  const [command, argv] = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', path.join(PG_BIN, program), ...args]] : [path.join(PG_BIN, program), args];
  const log = openSync(logFile, 'a');
  try {
    execFileSync(command as string, argv as string[], { stdio: ['ignore', log, log] });
  } finally {
    closeSync(log);
  }
}

/** A loopback port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
