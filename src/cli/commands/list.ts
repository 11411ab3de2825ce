import type { Command } from 'commander';
import { printable } from '../../printable.js';
import { printJson } from '../output.js';

export function register(program: Command): void {
  program
    .command('list')
    .description('the backups, newest first')
    .option('--json', 'print the manifests as JSON')
    .action(async (flags: { json?: boolean }) => {
      const [{ backupCommandSetting }, { backupsWithReasons }, { keptBecause, keepReasonText }, { formatAge, formatBytes }, { ENGINE_LABELS }] = await Promise.all([
        import('../backup-target.js'),
        import('../../store/prune.js'),
        import('../../store/messages.js'),
        import('../progress.js'),
        import('../../target/types.js'),
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
        ENGINE_LABELS[m.engine],
        formatBytes(m.size),
        formatAge(new Date(m.createdAt)),
        m.label ? `${m.trigger} (${m.label})` : m.trigger,
        m.verified ? 'yes' : 'no',
        m.encryption ? 'yes' : 'no',
        keptBecause(kept),
      ].map((cell) => printable(cell)));
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
      const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
      process.stdout.write(`${[header, ...rows].map(line).join('\n')}\n`);
    });
}
