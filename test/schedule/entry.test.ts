import { describe, expect, it } from 'vitest';
import { isDbsafeError } from '../../src/errors.js';
import { parseInterval, type Interval } from '../../src/schedule/interval.js';
import { entryFor, refuseTemporaryInstall } from '../../src/schedule/schedule.js';

function expectDbsafeError(action: () => unknown, expected: { code: string; exitCode: number; message: RegExp }): void {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  if (!isDbsafeError(thrown)) throw new Error(`expected a DbsafeError, got ${String(thrown)}`);
  expect({ code: thrown.code, exitCode: thrown.exitCode }).toEqual({ code: expected.code, exitCode: expected.exitCode });
  expect(thrown.message).toMatch(expected.message);
}

const sixHours = (parseInterval('6h') as { ok: true; interval: Interval }).interval;
const parts = (projectRoot: string, cli = '/opt/dbsafe/dist/dbsafe.cjs') => ({
  projectRoot,
  backupDir: `${projectRoot}/backups`,
  logFile: `${projectRoot}/backups/schedule.log`,
  node: '/usr/bin/node',
  cli,
});

describe('the entry dbsafe writes', () => {
  it('is keyed by the project and holds the time and the command', () => {
    const entry = entryFor(parts('/srv/app'), sixHours);
    expect(entry.project).toBe('/srv/app');
    expect(entry.every).toBe('6h');
    expect(entry.line).toMatch(/^\d{1,2} (\*\/6|[1-5]-23\/6) \* \* \* cd \/srv\/app && /);
  });

  it('refuses a line cron would not take (over 1000 characters), naming the fix', () => {
    const long = `/srv/${'deep/'.repeat(200)}app`;
    expectDbsafeError(() => entryFor(parts(long), sixHours), { code: 'schedule-line-too-long', exitCode: 2, message: /cron ignores lines over 1000.*shorter path/ });
  });

  it('refuses a path that cannot be written into a crontab line', () => {
    expectDbsafeError(() => entryFor(parts('/srv/a\nb'), sixHours), { code: 'schedule-unusable-path', exitCode: 2, message: /project directory "\/srv\/a\\nb" .*line break/ });
    expectDbsafeError(() => entryFor(parts('/srv/app', '/opt/odd\\%dir/dbsafe.cjs'), sixHours), { code: 'schedule-unusable-path', exitCode: 2, message: /dbsafe CLI .*backslash followed by "%"/ });
  });

  it('refuses to schedule a dbsafe that runs from npx\'s temporary cache', () => {
    expectDbsafeError(() => refuseTemporaryInstall('/home/ann/.npm/_npx/1a2b/node_modules/dbsafe/dist/dbsafe.cjs'), { code: 'schedule-temporary-install', exitCode: 2, message: /npm install --save-dev <path to a dbsafe-x\.y\.z\.tgz or a dbsafe clone>/ });
    expect(() => refuseTemporaryInstall('/srv/app/node_modules/dbsafe/dist/dbsafe.cjs')).not.toThrow();
  });
});
