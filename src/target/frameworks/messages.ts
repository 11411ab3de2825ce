import type { FrameworkProblem } from './types.js';

/** What `check`, `explain` and the guards say about framework configuration. */
export const frameworkMessages = {
  noEngine: (label: string) => `The framework configuration (${label}) names a database but not its engine (adapter/driver), so dbsafe cannot judge it. Name the adapter in the configuration, or point dbsafe at the database with --url.`,
  noSqliteFile: (label: string) => `The framework configuration (${label}) names an SQLite database but no file. Name the database file in the configuration.`,
  noDatabase: (label: string) => `The framework configuration (${label}) names a database server but no database. Name the database in the configuration.`,
  unreadableCandidate: (label: string, cause: string, fix: string | undefined) =>
    `The database the framework configuration names (${label}) cannot be read: ${cause}. ${fix ?? 'Correct it, or point dbsafe at the database with --url.'}`,
  readerFailed: (framework: string, file: string, cause: string) =>
    `dbsafe could not read the ${framework} configuration in ${file} (${cause}); it judged the databases named by the environment and .env files instead. Report this as a dbsafe bug, or pass --url.`,
  nothingReadable: (problem: FrameworkProblem) => `${problem.message} Nothing else names a database, so guarded commands are refused until it can be read.`,
  /** A notice line for check/explain. */
  notice: (problem: FrameworkProblem) => `${problem.framework}: ${problem.message}`,
} as const;
