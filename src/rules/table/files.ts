/**
 * SQLite keeps a database in one file: replacing or deleting that file
 * changes the database as surely as a DROP does (`rm -f data/database.sqlite`,
 * `cp backup.db index.db`). The extensions such files have, and the commands
 * that replace or delete files, with the operands they change.
 */
export const DATABASE_FILE_EXTENSIONS: readonly string[] = ['db', 'sqlite', 'sqlite3', 'db3', 's3db', 'sl3'];
/** What SQLite writes next to a database (`mealie.db-wal`): deleting it loses the last transactions. */
export const DATABASE_FILE_SUFFIXES: readonly string[] = ['-wal', '-shm', '-journal'];

/**
 * A directory where a database server keeps its files (`rm -rf
 * ./data/postgres`, `rm -rf .pgdata`, `rm -rf docker/volumes/db`): a word of
 * an engine or database next to a data word, or one joined word. Deleting it
 * recursively deletes the database.
 */
export const DATABASE_DATA_ENGINE_WORDS: readonly string[] = ['pg', 'postgres', 'postgresql', 'mysql', 'mariadb', 'mongo', 'mongodb', 'db', 'database', 'databases'];
export const DATABASE_DATA_WORDS: readonly string[] = ['data', 'volume', 'volumes'];
export const DATABASE_DATA_JOINED_WORDS: readonly string[] = ['pgdata', 'dbdata', 'mysqldata', 'mariadbdata', 'mongodata', 'postgresdata'];

/** `every`: each operand is deleted or changed; `last`: only the destination is written (the sources are read). */
export const FILE_CHANGING_COMMANDS: Readonly<Record<string, 'every' | 'last'>> = {
  rm: 'every', unlink: 'every', shred: 'every', truncate: 'every', mv: 'every',
  cp: 'last', install: 'last', ln: 'last', rsync: 'last',
};

/** Options of those commands that take a value, so the value is not read as an operand. */
export const FILE_COMMAND_VALUE_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  truncate: ['-s', '--size', '-r', '--reference'],
  install: ['-m', '--mode', '-o', '--owner', '-g', '--group', '-S', '--suffix'],
  cp: ['-S', '--suffix'],
  mv: ['-S', '--suffix'],
  ln: ['-S', '--suffix'],
  shred: ['-n', '--iterations', '-s', '--size'],
  rsync: ['-e', '--rsh', '--exclude', '--include', '--filter', '-f'],
};
