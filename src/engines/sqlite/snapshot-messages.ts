import { DbsafeError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { describeHolders, type FileHolder } from './holders.js';

/** What SQLite snapshots say: why one cannot be kept here, and what a restore did with a database in use. */
export const sqliteSnapshotMessages = {
  directoryUnwritable: (dir: string, detail: string) =>
    `a SQLite snapshot is a copy kept beside the database, and ${dir} is not writable by you (${detail})`,
  otherFilesystem: (dir: string) => `${dir} is on another filesystem than the database, so a snapshot could not be renamed into place`,
  cannotTerminate: () =>
    new DbsafeError(
      'snapshot-cannot-terminate',
      'A SQLite connection is an open file inside another process, and the only way to end it is to kill that process (your application), which dbsafe never does. SQLite snapshots do not need it: the copy is consistent while other processes use the database, and a restore writes into a database in use under SQLite\'s own locking.',
      ExitCode.failure,
    ),
  writtenInPlace: (database: string, holders: readonly FileHolder[]) =>
    `${database} is open in ${describeHolders(holders)}: SQLite cannot end another process's connection, so the snapshot was written into the live file under SQLite's locking instead of renamed into place (${holders.length === 1 ? 'that process sees' : 'those processes see'} the restored data)`,
};
