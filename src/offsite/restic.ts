import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { runTool, type ToolResult } from '../engines/tools.js';
import { findOnPath } from '../executable.js';
import { redactSecretsInText } from '../redact.js';
import { parseManifest, type Manifest } from '../store/manifest.js';
import { offsiteMessages as say } from './messages.js';
import type { OffsiteRemote, RemoteBackup } from './remote.js';

const TAG = 'dbsafe';
const PASSWORD_VARIABLES = ['RESTIC_PASSWORD', 'RESTIC_PASSWORD_FILE', 'RESTIC_PASSWORD_COMMAND'];

interface Snapshot {
  id: string;
  short_id?: string;
  paths: string[];
  tags?: string[];
}

/**
 * A restic repository (`"offsite": {"restic": "…"}`): each backup is one
 * snapshot holding the file and its manifest, tagged "dbsafe". A snapshot
 * exists only once everything in it was uploaded, so nothing half-uploaded
 * is ever listed. The repository goes to restic in RESTIC_REPOSITORY and the
 * password through restic's own variables: neither is on a command line.
 */
export function resticRemote(repository: string): OffsiteRemote {
  const name = `restic ${redactSecretsInText(repository)}`;
  const restic = async (args: string[], action: string, stdout?: NodeJS.WritableStream): Promise<ToolResult> => {
    const program = findOnPath('restic');
    if (!program) throw say.toolMissing('restic');
    if (!PASSWORD_VARIABLES.some((variable) => process.env[variable])) throw say.resticNoPassword();
    const result = await runTool({ program, args: ['--no-cache', ...args], env: { RESTIC_REPOSITORY: repository, RESTIC_PROGRESS_FPS: '0' }, stdout: stdout as never });
    if (result.code !== 0) {
      if (/Is there a repository at the following location|repository does not exist|unable to open config file/i.test(result.stderr)) throw say.resticNoRepository(repository);
      throw say.toolFailed(name, action, result.stderr);
    }
    return result;
  };
  return {
    name,
    async list() {
      const snapshots = JSON.parse((await restic(['snapshots', '--json', '--tag', TAG], 'listing')).stdout || '[]') as Snapshot[];
      const backups: RemoteBackup[] = [];
      for (const snapshot of snapshots) {
        const manifestPath = snapshot.paths.find((p) => p.endsWith('.json'));
        if (!manifestPath) continue;
        const manifest = parseManifest((await restic(['dump', snapshot.id, manifestPath], `reading ${path.basename(manifestPath)}`)).stdout);
        if (!manifest) continue;
        const filePath = snapshot.paths.find((p) => path.basename(p) === manifest.file);
        backups.push({ manifest, complete: filePath !== undefined, handle: `${snapshot.id}\u0000${filePath ?? ''}` });
      }
      return backups;
    },
    async upload(file: string, manifestFile: string, manifest: Manifest) {
      await restic(['backup', '--quiet', '--tag', TAG, '--tag', `dbsafe-id:${manifest.id}`, '--', file, manifestFile], `uploading ${manifest.file}`);
    },
    async fetch(backup: RemoteBackup, destination: string) {
      const [snapshot, filePath] = backup.handle.split('\u0000') as [string, string];
      await restic(['dump', snapshot, filePath], `downloading ${backup.manifest.file}`, createWriteStream(destination, { mode: 0o600, flags: 'wx' }));
    },
    async remove(backup: RemoteBackup) {
      await restic(['forget', '--quiet', backup.handle.split('\u0000')[0]!], `forgetting ${backup.manifest.id}`);
    },
  };
}
