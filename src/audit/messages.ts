/** What `dbsafe audit` tells the user. */
export const auditMessages = {
  noLog: (file: string): string =>
    `No audit log yet at ${file}: it is written by dbsafe run, dbsafe guard and dbsafe allow. Run a guarded command first (dbsafe run -- <command>).`,
  skippedLine: (file: string, line: number, problem: string): string =>
    `${file} line ${line} is not an audit entry (${problem}); skipped. It was probably cut short by a crash; the other lines are intact.`,
  badCount: (value: string): string => `-n expects a whole number of entries, got "${value}". Example: dbsafe audit -n 20`,
};
