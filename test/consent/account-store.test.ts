import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAuditLog } from '../../src/audit/log.js';
import { CLI, runCollecting } from '../helpers/cli.js';
import { createSystemUser, type SystemUser } from '../helpers/system-user.js';
import { STAND_IN_GUARDED } from '../run/project.js';
import { DETACHED } from './terminal.js';

const PTY_RUN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/pty-run.py');
const PATH = '/usr/local/bin:/usr/bin:/bin';

/**
 * The whole agent flow in the account's own store: a throw-away Unix user
 * whose home (from the user database) is where dbsafe keeps consent, so the
 * test never touches the real state directory of whoever runs it.
 */
describe('an agent asks, its human allows, the agent runs once (the account store of a throw-away user)', () => {
  let user: SystemUser;
  let app: string;
  let claude: string;
  beforeAll(() => {
    user = createSystemUser();
    app = path.join(user.home, 'app');
    mkdirSync(app);
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', dbsafe: { commands: { guard: STAND_IN_GUARDED }, notify: { command: `printf '%s\\n' "$DBSAFE_EVENT" >> ${path.join(app, 'notified')}` } } }));
    execFileSync('sqlite3', [path.join(app, 'shop_prod.db'), 'CREATE TABLE t (id INTEGER);']);
    writeFileSync(path.join(app, '.env'), 'DATABASE_URL=sqlite:shop_prod.db\n');
    mkdirSync(path.join(user.home, 'bin'));
    claude = path.join(user.home, 'bin', 'claude');
    writeFileSync(claude, '#!/bin/sh\n"$@"\n', { mode: 0o755 });
    user.own(user.home);
  });
  afterAll(() => user?.remove());

  /** As the user, outside the test runner's process tree, with exactly these variables. */
  const asUser = (argv: string[], env: Record<string, string> = {}) =>
    runCollecting('python3', [DETACHED, 'runuser', '-u', user.name, '--', '/usr/bin/env', '-i', `PATH=${PATH}`, `HOME=${user.home}`, 'NO_COLOR=1', 'TERM=dumb', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...argv], { cwd: app });
  /** The agent: its `claude` process runs dbsafe, with no agent variable at all. */
  const agentRuns = (args: string[]) => asUser([claude, process.execPath, CLI, ...args]);

  it('works end to end, and the override is audited and notified', async () => {
    const marker = path.join(app, 'ran');
    const refused = await agentRuns(['run', '--', 'touch', marker]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('you are Claude Code (process claude');
    expect(refused.stderr).not.toMatch(/allow [A-Z0-9]{6}/);
    expect(statSync(path.join(user.home, '.local/state/dbsafe/consent.key')).mode & 0o777).toBe(0o600);

    const human = await asUser(['python3', PTY_RUN, 'type the database name', 'shop_prod.db', '--', process.execPath, CLI, 'allow']);
    expect(human.stdout).toContain('run by Claude Code (process claude');
    expect(human.stdout).toContain('Allowed once');
    expect(human.code).toBe(0);

    const once = await agentRuns(['run', '--', 'touch', marker]);
    expect(once.stderr).toContain('running once under the consent');
    expect(once.code).toBe(0);
    expect(existsSync(marker)).toBe(true);
    const again = await agentRuns(['run', '--', 'touch', marker]);
    expect(again.code).toBe(3);

    expect(readFileSync(path.join(app, 'notified'), 'utf8').trim().split('\n')).toEqual(['refused', 'override', 'refused']);
    expect(readAuditLog(path.join(app, 'backups/audit.log')).entries.map((e) => `${e.operation}:${e.decision}`)).toEqual([
      'run:refused',
      'notify:notified',
      'allow:consent-granted',
      'notify:notified',
      'run:override',
      'run:refused',
      'notify:notified',
    ]);
  });

  it('HOME or XDG_STATE_HOME pointed at a store the agent filled itself is not honoured', async () => {
    const marker = path.join(app, 'ran-forged');
    const forged = path.join(user.home, 'forged');
    // The agent plants a store of its own: a person (no agent) allows there, with HOME pointing at it.
    const refused = await asUser([process.execPath, CLI, 'run', '--', 'touch', marker], { HOME: forged });
    expect(refused.code).toBe(3);
    const code = /allow ([A-Z0-9]{6})/.exec(refused.stderr)![1]!;
    const planted = await asUser(['python3', PTY_RUN, 'type the database name', 'shop_prod.db', '--', process.execPath, CLI, 'allow', code], { HOME: forged });
    expect(planted.code).toBe(0);
    for (const env of [{ HOME: forged }, { XDG_STATE_HOME: path.join(forged, '.local/state') }] as Record<string, string>[]) {
      const byAgent = await asUser([claude, process.execPath, CLI, 'run', '--', 'touch', marker], env);
      expect(byAgent.code).toBe(3);
    }
    expect(existsSync(marker)).toBe(false);
  });
});
