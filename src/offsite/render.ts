import type { Manifest } from '../store/manifest.js';
import type { RemoteStatus } from './status.js';

/** The table of remote backups `list --offsite` and `offsite status` print. Pure. */
export function remoteBackupTable(backups: readonly Manifest[]): string {
  const header = ['ID', 'DATABASE', 'ENGINE', 'SIZE', 'CREATED', 'ENCRYPTED'];
  const rows = backups.map((m) => [m.id, m.database, m.engine, String(m.size), m.createdAt, m.encryption ? m.encryption.algorithm : 'no']);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((cells) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}

/** `dbsafe offsite status` as text. Pure. */
export function renderOffsiteStatus(statuses: readonly RemoteStatus[]): string {
  const blocks = statuses.map((s) => {
    const last = s.last ? `last upload ${s.last.at}: ${s.last.ok ? 'ok' : `failed (${s.last.error ?? 'unknown'})`}` : 'no upload yet';
    const lines = [`${s.remote}: ${s.reachable ? `${s.backups.length} backup${s.backups.length === 1 ? '' : 's'}` : `unreachable: ${s.error ?? ''}`}; ${last}`];
    if (s.backups.length > 0) lines.push(remoteBackupTable(s.backups).replace(/^/gm, '  '));
    if (s.incomplete.length > 0) lines.push(`  incomplete there (never restored; replaced by the next upload): ${s.incomplete.join(', ')}`);
    if (s.missing.length > 0) lines.push(`  missing there: ${s.missing.join(', ')} (the next backup uploads them, or run \`dbsafe offsite sync\`)`);
    return lines.join('\n');
  });
  return `${blocks.join('\n\n')}\n`;
}
