import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testDir } from '../helpers/cli.js';
import { backupProject, startUntil, type BackupProject } from './backup-project.js';

/**
 * An encrypted backup's plaintext lives in `.<name>.decrypted.partial-PID`
 * only while verify or restore works on it. A SIGKILL skips every clean-up
 * of the process itself, so the next dbsafe command must remove it.
 */
describe('decrypted plaintext left by a killed encrypted verify', () => {
  function encryptedSqliteProject(): { p: BackupProject; url: string; tmp: string } {
    const dir = testDir('dbsafe-enc-kill-');
    const keyFile = path.join(dir, 'backup.key');
    writeFileSync(keyFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    const database = path.join(dir, 'app_dev.sqlite');
    // About 30 MB, so that verify spends a moment with its plaintext on disk.
    execFileSync('sqlite3', [
      database,
      'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 200000) INSERT INTO notes SELECT x, hex(randomblob(64)) FROM n;',
    ]);
    const url = `sqlite:${database}`;
    const p = backupProject(url, { encryption: { keyFile } });
    const tmp = path.join(dir, 'tmp');
    execFileSync('mkdir', ['-p', tmp]);
    return { p: { ...p, cli: (args, env = {}) => p.cli(args, { TMPDIR: tmp, ...env }) }, url, tmp };
  }

  const plaintext = (p: BackupProject) => p.files().filter((f) => f.includes('.decrypted.partial-'));

  /** Start `dbsafe verify`, SIGKILL it while its plaintext is on disk, wait for it to be gone; the file it left. */
  async function killVerifyMidWork(p: BackupProject, url: string, tmp: string): Promise<string> {
    const { child, exited, found } = await startUntil(
      p.dir,
      url,
      ['verify'],
      'verify writing its decrypted plaintext',
      () => plaintext(p).find((f) => statSync(path.join(p.backups, f), { throwIfNoEntry: false })?.size),
      { TMPDIR: tmp },
    );
    child.kill('SIGKILL');
    await exited;
    expect(existsSync(path.join(p.backups, found)), 'SIGKILL left the plaintext behind (nothing of the process could run)').toBe(true);
    return found;
  }

  it('does not survive `list`, nor the next `verify` or `restore`', async () => {
    const { p, url, tmp } = encryptedSqliteProject();
    try {
      const backup = await p.cli(['backup']);
      expect(backup.stderr).toBe('');
      expect(backup.code).toBe(0);

      await killVerifyMidWork(p, url, tmp);
      const list = await p.cli(['list']);
      expect(list.code).toBe(0);
      expect(plaintext(p)).toEqual([]);

      await killVerifyMidWork(p, url, tmp);
      const verify = await p.cli(['verify']);
      expect(verify.stderr).toBe('');
      expect(verify.code).toBe(0);
      expect(plaintext(p)).toEqual([]);

      await killVerifyMidWork(p, url, tmp);
      const restore = await p.cli(['restore', '--yes']);
      expect(restore.code).toBe(0);
      expect(plaintext(p)).toEqual([]);
    } finally {
      p.cleanup();
    }
  });
});
