import path from 'node:path';
import { packageRoot } from '../package-root.js';

export function shellTemplate(name: string): string {
  return path.join(packageRoot(), 'shell', name);
}

/** Per-user places dbsafe writes to, from HOME and the XDG variables. */
export interface UserLocations {
  home: string;
  /** dbsafe's own directory: generated shell files and shims; removed whole on uninstall. */
  dataDir: string;
  shimDir: string;
  fishConfD: string;
  /** Original texts of JSON files whose layout a rewrite would not reproduce (see json-file.ts). */
  journalDir: string;
}

export function userLocations(env: Record<string, string | undefined>): UserLocations {
  const home = env.HOME;
  if (!home) throw new Error('HOME is not set, so dbsafe cannot tell where your shell files are: set HOME and run the command again');
  const dataHome = env.XDG_DATA_HOME || path.join(home, '.local', 'share');
  const configHome = env.XDG_CONFIG_HOME || path.join(home, '.config');
  const dataDir = path.join(dataHome, 'dbsafe');
  return { home, dataDir, shimDir: path.join(dataDir, 'shims'), fishConfD: path.join(configHome, 'fish', 'conf.d'), journalDir: path.join(dataDir, 'originals') };
}
