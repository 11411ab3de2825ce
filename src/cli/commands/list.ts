import type { Command } from 'commander';
import { printable } from '../../printable.js';
import { printJson } from '../output.js';

const OLD_FORMAT = 'old format';
const OLD_FORMAT_NOTE = `"${OLD_FORMAT}": dbsafe's own encryption ("encryption.keyFile"), which only dbsafe reads. These backups stay restorable with that key; new ones can be age files that the \`age\` tool opens too: see "Moving to age" in the README.`;

/** What the ENCRYPTED column says: the format, so that backups only dbsafe can open stand out. */
function encryptionLabel(algorithm: string): string {
  return algorithm === 'age' || algorithm === 'gpg' ? algorithm : OLD_FORMAT;
}

export function register(program: Command): void {
  program
    .command('list')
    .description('the backups, newest first')
    .option('--json', 'print the manifests as JSON')
    .option('--offsite', 'the backups on the offsite remotes (config "offsite") instead of the local ones')
    .action(async (flags: { json?: boolean; offsite?: boolean }) => {
      if (flags.offsite) return listOffsite(flags.json === true);
      const [{ backupCommandSetting }, { backupsWithReasons }, { keptBecause, keepReasonText }, { formatAge, formatBytes }, { ENGINE_LABELS }, { snapshotPlace }] = await Promise.all([
        import('../backup-target.js'),
        import('../../store/prune.js'),
        import('../../store/messages.js'),
        import('../progress.js'),
        import('../../target/types.js'),
        import('../../store/snapshot-messages.js'),
      ]);
      const { store } = await backupCommandSetting();
      const backups = await backupsWithReasons(store);
      if (flags.json) {
        printJson(backups.map((b) => ({ ...b.manifest, encrypted: b.manifest.encryption !== undefined, path: b.file, keptBecause: b.kept.map(keepReasonText) })));
        return;
      }
      if (backups.length === 0) {
        process.stdout.write(`No backups in ${printable(store.dir)} yet. Take one with \`dbsafe backup\`.\n`);
        return;
      }
      const header = ['ID', 'DATABASE', 'ENGINE', 'SIZE', 'AGE', 'TRIGGER', 'VERIFIED', 'ENCRYPTED', 'KEPT'];
      const rows = backups.map(({ manifest: m, kept }) => [
        m.id,
        m.database,
        m.snapshot ? `${ENGINE_LABELS[m.engine]} snapshot (${snapshotPlace(m.engine)})` : ENGINE_LABELS[m.engine],
        m.snapshot ? (m.snapshot.sizeBytes !== null ? formatBytes(m.snapshot.sizeBytes) : '-') : formatBytes(m.size),
        formatAge(new Date(m.createdAt)),
        m.label ? `${m.trigger} (${m.label})` : m.trigger,
        m.verified ? 'yes' : 'no',
        m.encryption ? encryptionLabel(m.encryption.algorithm) : 'no',
        keptBecause(kept),
      ].map((cell) => printable(cell)));
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
      const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
      process.stdout.write(`${[header, ...rows].map(line).join('\n')}\n`);
      if (backups.some((b) => b.manifest.encryption && encryptionLabel(b.manifest.encryption.algorithm) === OLD_FORMAT)) process.stdout.write(`\n${OLD_FORMAT_NOTE}\n`);
    });
}

async function listOffsite(json: boolean): Promise<void> {
  const [{ backupCommandSetting }, { offsiteStatus }, { remoteBackupTable }] = await Promise.all([
    import('../backup-target.js'),
    import('../../offsite/status.js'),
    import('../../offsite/render.js'),
  ]);
  const statuses = await offsiteStatus((await backupCommandSetting()).store);
  if (json) {
    printJson(statuses.flatMap((s) => s.backups.map((m) => ({ ...m, remote: s.remote }))));
  } else {
    for (const s of statuses) {
      const body = s.reachable ? (s.backups.length ? remoteBackupTable(s.backups) : 'no complete backups there yet') : `unreachable: ${s.error ?? ''}`;
      process.stdout.write(`${printable(`${s.remote}\n${body}`, { lineBreaks: true })}\n`);
    }
  }
  if (statuses.some((s) => !s.reachable)) process.exitCode = 1;
}
