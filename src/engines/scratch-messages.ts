import { DbsafeError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';

/** The messages of scratch-database.ts; each names the cause and the fix. */
export const scratchMessages = {
  recordUnwritable: (dir: string, cause: string) =>
    new DbsafeError(
      'scratch-record-unwritable',
      `dbsafe records every scratch database before it creates one (so a killed run's copy is dropped later), and it cannot write that record in ${dir} (${cause}); nothing was created. Make the directory writable by you (it is ~/.local/state/dbsafe, under HOME).`,
      ExitCode.failure,
    ),
};
