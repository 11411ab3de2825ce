import { runTool, type ToolResult } from '../engines/tools.js';
import { findOnPath } from '../executable.js';
import { redactSecretsInText } from '../redact.js';
import { parseManifest, type Manifest } from '../store/manifest.js';
import { manifestName } from '../store/naming.js';
import { offsiteMessages as say } from './messages.js';
import type { OffsiteRemote, RemoteBackup } from './remote.js';

/** Fail fast on an unreachable remote instead of rclone's minutes of retries; the next backup retries anyway. */
const PATIENCE = ['--retries', '1', '--low-level-retries', '2', '--contimeout', '10s', '--timeout', '60s'];

/** `remote:path` joined with a file name. Pure. */
export function rclonePath(remote: string, name: string): string {
  return remote.endsWith(':') || remote.endsWith('/') ? `${remote}${name}` : `${remote}/${name}`;
}

/** An rclone remote (`"offsite": {"rclone": "remote:path"}`); its credentials stay in rclone's own configuration. */
export function rcloneRemote(remote: string): OffsiteRemote {
  const name = `rclone ${redactSecretsInText(remote)}`;
  const rclone = async (args: string[], action: string): Promise<ToolResult> => {
    const program = findOnPath('rclone');
    if (!program) throw say.toolMissing('rclone');
    const result = await runTool({ program, args: [args[0]!, ...PATIENCE, ...args.slice(1)] });
    if (result.code !== 0) throw say.toolFailed(name, action, result.stderr);
    return result;
  };
  return {
    name,
    async list() {
      const program = findOnPath('rclone');
      if (!program) throw say.toolMissing('rclone');
      const listing = await runTool({ program, args: ['lsjson', '--files-only', ...PATIENCE, '--', remote] });
      // A remote directory that does not exist yet holds nothing (rclone's exit code 3).
      if (listing.code === 3) return [];
      if (listing.code !== 0) throw say.toolFailed(name, 'listing', listing.stderr);
      const entries = JSON.parse(listing.stdout || '[]') as Array<{ Name: string; Size: number }>;
      const sizes = new Map(entries.map((entry) => [entry.Name, entry.Size]));
      const backups: RemoteBackup[] = [];
      for (const entry of entries) {
        if (!entry.Name.endsWith('.json')) continue;
        const text = (await rclone(['cat', '--', rclonePath(remote, entry.Name)], `reading ${entry.Name}`)).stdout;
        const manifest = parseManifest(text);
        if (!manifest || manifestName(manifest.id) !== entry.Name) continue;
        backups.push({ manifest, complete: sizes.get(manifest.file) === manifest.size, handle: rclonePath(remote, manifest.file) });
      }
      return backups;
    },
    async upload(file: string, manifestFile: string, manifest: Manifest) {
      await rclone(['copyto', '--', file, rclonePath(remote, manifest.file)], `uploading ${manifest.file}`);
      await rclone(['copyto', '--', manifestFile, rclonePath(remote, manifestName(manifest.id))], `uploading ${manifestName(manifest.id)}`);
    },
    async fetch(backup: RemoteBackup, destination: string) {
      await rclone(['copyto', '--', backup.handle, destination], `downloading ${backup.manifest.file}`);
    },
    async remove(backup: RemoteBackup) {
      await rclone(['deletefile', '--', rclonePath(remote, manifestName(backup.manifest.id))], `deleting ${manifestName(backup.manifest.id)}`);
      await rclone(['deletefile', '--', backup.handle], `deleting ${backup.manifest.file}`);
    },
  };
}
