import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { definerProblem } from '../../src/engines/mysql/messages.js';
import { backupProject } from '../cli/backup-project.js';
import { createMariaDatabase, mariadb, MARIA, uniqueName } from '../helpers/databases.js';

describe('definerProblem', () => {
  it.each([
    ['ERROR 1227 (42000) at line 73: Access denied; you need (at least one of) the SUPER, SET USER privilege(s) for this operation', ['SUPER', 'SET USER']],
    ['ERROR 1227 (42000) at line 9: Access denied; you need (at least one of) the SUPER or SET_USER_ID privilege(s) for this operation', ['SUPER', 'SET_USER_ID']],
    ['ERROR 1227 (42000): Access denied; you need (at least one of) the SET_ANY_DEFINER privilege(s) for this operation', ['SET_ANY_DEFINER']],
    ['/*!50013 DEFINER=`app`@`%` SQL SECURITY DEFINER */ ERROR 1227 (42000): Access denied; you need (at least one of) the SUPER privilege(s) for this operation', ['SUPER']],
  ])('%s: a DEFINER privilege problem naming %j', (detail, privileges) => {
    expect(definerProblem(detail)).toMatchObject({ kind: 'privilege', privileges });
  });

  it('a missing definer user is named; other privilege problems are not DEFINER problems', () => {
    expect(definerProblem("ERROR 1449 (HY000) at line 5: The user specified as a definer ('old'@'%') does not exist")).toEqual({ kind: 'missing-user', definer: "'old'@'%'" });
    expect(definerProblem('ERROR 1227 (42000) at line 20: Access denied; you need (at least one of) the SUPER, BINLOG ADMIN privilege(s) for this operation')).toBeNull();
    expect(definerProblem("ERROR 1064 (42000) at line 1: You have an error in your SQL syntax")).toBeNull();
  });
});

describe('MariaDB: a dump with another DEFINER restored by a user who may not create objects for others', () => {
  it('restore and verify name the missing privilege and the fix, not the server version, and the database is untouched', async () => {
    const db = createMariaDatabase();
    const user = uniqueName('dbsafe_test_u');
    const password = randomBytes(12).toString('hex');
    const project = backupProject(db.url);
    try {
      mariadb(
        `CREATE TABLE t (x INT); INSERT INTO t VALUES (1), (2); CREATE DEFINER=\`${MARIA.user}\`@\`${MARIA.host}\` SQL SECURITY DEFINER VIEW v AS SELECT x FROM t;`,
        db.name,
      );
      mariadb(
        `CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'; GRANT ALL ON \`${db.name}\`.* TO '${user}'@'%'; GRANT ALL ON \`dbsafe\\_verify\\_%\`.* TO '${user}'@'%';`,
      );
      const backup = await project.cli(['backup']);
      expect(backup.stderr).toBe('');
      expect(backup.code).toBe(0);
      mariadb('INSERT INTO t VALUES (3);', db.name);

      const asUser = { DATABASE_URL: `mysql://${user}:${password}@${MARIA.host}:${MARIA.port}/${db.name}` };
      const restore = await project.cli(['restore', '--yes'], asUser);
      expect(restore.code).toBe(1);
      expect(restore.stderr).toContain(`owned by another user (DEFINER=\`${MARIA.user}\`@\`${MARIA.host}\`)`);
      expect(restore.stderr).toContain(`user "${user}" may not create objects for another user`);
      expect(restore.stderr).toContain('needs the SUPER or SET USER privilege');
      expect(restore.stderr).toContain(`GRANT SET USER ON *.* TO '${user}'@'%'`);
      expect(restore.stderr).toContain(`"${db.name}" was not touched`);
      expect(restore.stderr).not.toMatch(/version that wrote it/);
      expect(restore.stderr).not.toContain(password);
      expect(mariadb('SELECT GROUP_CONCAT(x ORDER BY x) FROM t', db.name)).toBe('1,2,3');

      const verify = await project.cli(['verify'], asUser);
      expect(verify.code).toBe(1);
      expect(verify.stderr).toContain('needs the SUPER or SET USER privilege');
      expect(verify.stderr).toContain('neither proven good nor bad');
      expect(verify.stderr).not.toMatch(/cannot be trusted/);

      // The fix the message gives works.
      mariadb(`GRANT SET USER ON *.* TO '${user}'@'%';`);
      const fixed = await project.cli(['restore', '--yes'], asUser);
      // Where the replaced database cannot be kept beside it, the one line on stderr says why a file backup is taken first.
      expect(fixed.stderr).toMatch(/^(dbsafe: safety copy: a file backup first, because [^\n]+\n)?$/);
      expect(fixed.code).toBe(0);
    } finally {
      project.cleanup();
      mariadb(`DROP USER IF EXISTS '${user}'@'%';`);
      db.drop();
    }
  });
});
