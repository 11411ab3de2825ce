import type { BlockingSession } from '../types.js';
import { textLiteral } from './clients.js';
import type { SnapshotServer } from './snapshot-swap.js';

/**
 * Other sessions on a database, from information_schema.PROCESSLIST (the
 * program name where performance_schema has it), and ending them.
 */
export async function sessionsOn(server: SnapshotServer, database: string): Promise<BlockingSession[]> {
  // performance_schema knows the client program's name when it is on; without it the user and what the session does must do.
  const rows = await server.query(
    `SELECT p.ID, p.USER, p.HOST, p.COMMAND, p.TIME FROM information_schema.PROCESSLIST p
     WHERE p.DB = ${textLiteral(database)} AND p.ID <> CONNECTION_ID() AND p.COMMAND NOT IN ('Daemon', 'Binlog Dump', 'Killed') ORDER BY p.ID;`,
  );
  const programs = new Map<string, string>();
  if (rows.length > 0) {
    const attrs = await server
      .query(`SELECT PROCESSLIST_ID, ATTR_VALUE FROM performance_schema.session_connect_attrs WHERE ATTR_NAME = 'program_name' AND PROCESSLIST_ID IN (${rows.map((row) => Number(row[0])).join(', ')});`)
      .catch(() => []);
    for (const [id = '', program = ''] of attrs) programs.set(id, program);
  }
  return rows.map(([id = '', user = '', host = '', command = '', time = '0']) => ({
    id,
    application: `${programs.get(id) ?? 'a client'} (user ${user}, ${command === 'Sleep' ? `idle for ${time} s` : `${command.toLowerCase()} for ${time} s`})`,
    client: host.startsWith('localhost') || host === '' ? 'local socket' : host,
    since: null,
  }));
}

export async function terminate(server: SnapshotServer, database: string, sessions: readonly BlockingSession[]): Promise<void> {
  if (sessions.length === 0) return;
  for (const blocking of sessions) {
    // Gone already: nothing to end.
    await server.query(`KILL CONNECTION ${Number(blocking.id)};`).catch(() => undefined);
  }
  // KILL returns before the thread has ended: wait until none is left (bounded).
  for (let attempt = 0; attempt < 50 && (await sessionsOn(server, database)).some((s) => sessions.some((t) => t.id === s.id)); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
