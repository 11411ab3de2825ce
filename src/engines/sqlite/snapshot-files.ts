import { promises as fs } from 'node:fs';
import path from 'node:path';
import { companionFiles } from './holders.js';

/**
 * Where the snapshots of a SQLite database live: a hidden directory beside
 * the database file, so a snapshot is on the same filesystem and a restore
 * is a rename. A directory, not dot files beside the database, because a
 * project's .gitignore usually names its database file (`/db/*.sqlite3`,
 * `dev.db`) and nothing else: a copy under another name would show in
 * `git status` and be committed by the next `git add -A`. The directory
 * ignores itself, says in its README what it is, and is private (0700):
 * snapshots hold the data. Each database in the directory has its own files
 * (`<file name>.<snapshot name>`). Pure, except the functions that touch files.
 */
export const SNAPSHOT_DIRECTORY = '.dbsafe-snapshots';

const README = `These files are dbsafe snapshots of the SQLite databases in the directory above.
\`dbsafe list\` shows them, \`dbsafe restore ID\` puts one back (a rename), and
\`dbsafe forget ID\` removes one. They are read-only copies: do not open or edit them.
`;

export function snapshotDirectory(database: string): string {
  return path.join(path.dirname(path.resolve(database)), SNAPSHOT_DIRECTORY);
}

export function snapshotFile(database: string, name: string): string {
  return path.join(snapshotDirectory(database), `${path.basename(database)}.${name}`);
}

/** Where a copy is written before it is renamed to `file` (one per process: a background copy and a restore's copy may overlap). */
export function partialFile(file: string, pid: number = process.pid): string {
  return `${file}.partial-${pid}`;
}

export function isPartialOf(file: string, candidate: string): boolean {
  return candidate.startsWith(`${path.basename(file)}.partial-`);
}

/** The snapshot directory, made (0700, ignored by git, with its README) when missing. */
export async function ensureSnapshotDirectory(database: string): Promise<string> {
  const dir = snapshotDirectory(database);
  await fs.mkdir(dir, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  for (const [name, text] of [['.gitignore', '# dbsafe snapshots\n*\n'], ['README', README]] as const) {
    await fs.writeFile(path.join(dir, name), text, { mode: 0o600, flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }
  return dir;
}

/** Read-only, the stand-in for a server's "connections refused": no program writes a snapshot by accident. */
export async function sealSnapshotFile(file: string): Promise<void> {
  await fs.chmod(file, 0o400);
  const handle = await fs.open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Remove a snapshot's file, any partial copy of it, and the -wal/-shm an export's reading left; the database itself is never named here. */
export async function removeSnapshotFiles(file: string): Promise<void> {
  const dir = path.dirname(file);
  const partials = (await fs.readdir(dir).catch(() => [] as string[])).filter((name) => isPartialOf(file, name));
  for (const name of [...companionFiles(path.basename(file)), ...partials]) await fs.rm(path.join(dir, name), { force: true });
}
