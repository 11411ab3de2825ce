/** Exit codes shared by every command (PRODUCT.md, "Commands"). */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  refused: 3,
  backupFailed: 4,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
