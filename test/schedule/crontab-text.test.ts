import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  crontabPathProblem,
  findScheduleEntry,
  scheduledCommand,
  scheduleEntries,
  shellQuote,
  splitCronLine,
  withScheduleEntry,
  withoutScheduleEntry,
  type ScheduleEntry,
} from '../../src/schedule/crontab-text.js';
import { commandAsCronRunsIt } from './cron-stand-in.js';

const entry = (project: string, every = '6h', minute = '17'): ScheduleEntry => ({ project, every, line: `${minute} */6 * * * cd ${shellQuote(project)} && backup` });
const A = entry('/home/ann/app');
const B = entry('/home/ann/shop', '1d', '42');

const FOREIGN = '# m h  dom mon dow   command\nMAILTO=ann@example.com\n\n*/5 * * * * /usr/bin/fetchmail -s   # keep spacing\n@reboot  ~/bin/start\n';

describe('crontab editing (pure)', () => {
  const originals: Array<[string, string | null]> = [
    ['no crontab', null],
    ['an empty crontab', ''],
    ['foreign lines and comments', FOREIGN],
    ['only a comment', '# nothing scheduled\n'],
  ];

  it.each(originals)('add, add again, remove gives %s back byte for byte', (_label, original) => {
    const once = withScheduleEntry(original, A);
    expect(withScheduleEntry(once, A)).toBe(once);
    expect(scheduleEntries(once)).toEqual([A]);
    if (original) expect(once.startsWith(original)).toBe(true);
    expect(withoutScheduleEntry(once, A.project)).toBe(original);
    expect(withoutScheduleEntry(once, null)).toBe(original);
  });

  it('updates an entry in place, keeping foreign lines before and after the block and other projects in order', () => {
    const two = withScheduleEntry(withScheduleEntry(FOREIGN, A), B);
    const edited = `${two}0 3 * * 0 /usr/sbin/weekly\n`;
    const moved = { ...A, every: '1h', line: '5 * * * * cd /home/ann/app && backup' };
    const updated = withScheduleEntry(edited, moved);
    expect(scheduleEntries(updated)).toEqual([moved, B]);
    expect(updated.startsWith(FOREIGN)).toBe(true);
    expect(updated.endsWith('\n0 3 * * 0 /usr/sbin/weekly\n')).toBe(true);
    expect(updated.split('\n').length).toBe(edited.split('\n').length);
    expect(withoutScheduleEntry(updated, null)).toBe(`${FOREIGN}0 3 * * 0 /usr/sbin/weekly\n`);
  });

  it('removes one project and leaves the other', () => {
    const two = withScheduleEntry(withScheduleEntry(null, A), B);
    const one = withoutScheduleEntry(two, A.project)!;
    expect(scheduleEntries(one)).toEqual([B]);
    expect(findScheduleEntry(one, A.project)).toBeNull();
    expect(findScheduleEntry(one, B.project)).toEqual(B);
    expect(withoutScheduleEntry(one, B.project)).toBeNull();
  });

  it('removing a project that has no entry changes nothing', () => {
    expect(withoutScheduleEntry(FOREIGN, A.project)).toBe(FOREIGN);
    expect(withoutScheduleEntry(null, A.project)).toBeNull();
    const withB = withScheduleEntry(FOREIGN, B);
    expect(withoutScheduleEntry(withB, A.project)).toBe(withB);
  });

  it('keys entries by the exact project path, quotes and spaces included', () => {
    const odd = entry(`/home/ann/it's "mine" 100% $HOME`);
    const text = withScheduleEntry(withScheduleEntry(null, A), odd);
    expect(findScheduleEntry(text, odd.project)).toEqual(odd);
    expect(scheduleEntries(text)).toHaveLength(2);
  });

  it('keeps lines someone added inside the block while editing entries', () => {
    const text = withScheduleEntry(null, A).replace('# <<< dbsafe <<<', '# a hand-written note\n# <<< dbsafe <<<');
    const updated = withScheduleEntry(text, B);
    expect(updated).toContain('# a hand-written note\n');
    expect(scheduleEntries(updated)).toEqual([A, B]);
  });
});

describe('the scheduled command', () => {
  const parts = (projectRoot: string, backupDir = `${projectRoot}/backups`) => ({
    projectRoot,
    backupDir,
    logFile: `${backupDir}/schedule.log`,
    node: '/usr/bin/node',
    cli: '/opt/dbsafe/dist/dbsafe.cjs',
  });

  it.each([
    ['/srv/app', "cd /srv/app && umask 077 && mkdir -p backups && exec >> backups/schedule.log 2>&1 && PATH=/usr/bin:/usr/local/bin:/bin /usr/bin/node /opt/dbsafe/dist/dbsafe.cjs backup --scheduled"],
    ['/srv/my app', "cd '/srv/my app' && umask 077"],
    ["/srv/ann's app", "cd '/srv/ann'\\''s app' && umask 077"],
    ['/srv/100%', "cd /srv/100\\% && umask"],
    ['/srv/$(rm -rf ~)`x`', "cd '/srv/$(rm -rf ~)`x`' && umask"],
  ])('quotes %s for /bin/sh and escapes %% for cron', (root, expected) => {
    expect(scheduledCommand(parts(root))).toContain(expected);
  });

  it('is read back by /bin/sh as the original words, after cron has undone its % escapes', () => {
    const root = `/tmp/it's "a" 50% \\ $HOME \`id\` ;|&`;
    const command = scheduledCommand(parts(root));
    const shell = commandAsCronRunsIt(command).replace(/ && umask.*$/, '').replace(/^cd /, 'printf %s ');
    expect(execFileSync('/bin/sh', ['-c', shell], { encoding: 'utf8', env: {} })).toBe(root);
  });

  it('names a backup directory outside the project by its absolute path', () => {
    expect(scheduledCommand(parts('/srv/app', '/var/backups/app'))).toContain('mkdir -p /var/backups/app && ');
    expect(scheduledCommand(parts('/srv/app', '/var/backups/app'))).toContain('exec >> /var/backups/app/schedule.log 2>&1 && ');
  });

  it.each([
    ['/srv/a\nb', 'it contains a line break'],
    ['/srv/a\\%b', 'it contains a backslash followed by "%"'],
    ['/srv/plain 100%', null],
    ['/srv/back\\slash', null],
  ])('path %j: %s', (file, problem) => {
    expect(crontabPathProblem(file)).toBe(problem);
  });

  it('splits a line into its time and command', () => {
    expect(splitCronLine('17 2-23/6 * * * cd /x && y')).toEqual({ time: { minute: '17', hour: '2-23/6', dayOfMonth: '*', month: '*', dayOfWeek: '*' }, command: 'cd /x && y' });
    expect(splitCronLine('@daily y')).toBeNull();
  });
});
