/** What `dbsafe check -- CMD` says around the project checks. */
export const checkCommandMessages = {
  header: (command: string, guarded: boolean, reason: string) => `Command  ${command}\n  ${guarded ? 'guarded' : 'not guarded'}: ${reason}\n  the databases it will use:`,
  unitHeader: (label: string) => `── for ${label}:`,
  unknown: (label: string, reason: string) => `✗ ${label}: dbsafe cannot tell which database this uses: ${reason}\nERROR: dbsafe cannot judge this command; a guarded run refuses it (exit 2)`,
} as const;
