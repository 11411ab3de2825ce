import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { cronTimeFor, parseInterval, type Interval } from '../../src/schedule/interval.js';
import { calendarEntries, launchAgentFor, launchAgentLabel, readLaunchAgentNote } from '../../src/schedule/launchd-plist.js';
import { protectedFolderNote, schedulerFor } from '../../src/schedule/schedule.js';
import { scheduledCommand } from '../../src/schedule/crontab-text.js';

const interval = (every: string) => (parseInterval(every) as { ok: true; interval: Interval }).interval;
const parts = (projectRoot: string) => ({
  projectRoot,
  backupDir: `${projectRoot}/backups`,
  logFile: `${projectRoot}/backups/schedule.log`,
  node: '/opt/homebrew/bin/node',
  cli: `${projectRoot}/node_modules/dbsafe/dist/dbsafe.cjs`,
  toolDirs: ['/opt/homebrew/opt/libpq/bin'],
});

/** The plist as launchd reads it: keys and values in order, arrays and dicts nested. */
function readPlist(text: string): Record<string, unknown> {
  const parsed = new XMLParser({ preserveOrder: true, ignoreAttributes: true, parseTagValue: false }).parse(text) as Array<Record<string, unknown>>;
  const plist = parsed.find((node) => 'plist' in node)!.plist as Array<Record<string, unknown>>;
  const value = (node: Record<string, unknown>): unknown => {
    const [tag, children] = Object.entries(node).find(([key]) => key !== ':@')!;
    const items = children as Array<Record<string, unknown>>;
    if (tag === 'string') return items.map((item) => item['#text']).join('');
    if (tag === 'integer') return Number(items[0]!['#text']);
    if (tag === 'array') return items.map(value);
    if (tag === 'dict') {
      const dict: Record<string, unknown> = {};
      for (let i = 0; i < items.length; i += 2) dict[String((items[i]!.key as Array<Record<string, unknown>>)[0]!['#text'])] = value(items[i + 1]!);
      return dict;
    }
    throw new Error(`unexpected plist tag ${tag}`);
  };
  return value(plist[0]!) as Record<string, unknown>;
}

describe('the LaunchAgent dbsafe writes on macOS', () => {
  it('is a well-formed property list that runs dbsafe in the project, with the tools found now on PATH, logging everything', () => {
    const root = '/Users/ann/code/shop & <co>';
    const agent = launchAgentFor(parts(root), '6h', cronTimeFor(interval('6h'), root));
    expect(XMLValidator.validate(agent.plist)).toBe(true);
    const plist = readPlist(agent.plist);
    expect(plist).toMatchObject({
      Label: launchAgentLabel(root),
      ProgramArguments: ['/opt/homebrew/bin/node', `${root}/node_modules/dbsafe/dist/dbsafe.cjs`, 'backup', '--scheduled'],
      WorkingDirectory: root,
      EnvironmentVariables: { PATH: '/opt/homebrew/bin:/opt/homebrew/opt/libpq/bin:/usr/local/bin:/usr/bin:/bin' },
      StandardOutPath: `${root}/backups/schedule.log`,
      StandardErrorPath: `${root}/backups/schedule.log`,
      Umask: 0o077,
    });
    const calendar = plist.StartCalendarInterval as Array<Record<string, number>>;
    expect(calendar).toHaveLength(4);
    const minute = calendar[0]!.Minute;
    for (const entry of calendar) expect(Object.keys(entry).sort()).toEqual(['Hour', 'Minute']);
    expect(calendar.every((entry) => entry.Minute === minute)).toBe(true);
    expect(calendar.map((entry) => entry.Hour! % 6)).toEqual([calendar[0]!.Hour! % 6, calendar[0]!.Hour! % 6, calendar[0]!.Hour! % 6, calendar[0]!.Hour! % 6]);
    expect(agent.plist).not.toMatch(/postgres:\/\/|password/i);
  });

  it('keeps the project and interval readable in a comment, whatever the path holds', () => {
    for (const root of ['/Users/ann/my--project', '/Users/ann/a -- b -->', "/Users/ann/it's 100%"]) {
      const agent = launchAgentFor(parts(root), '15m', cronTimeFor(interval('15m'), root));
      expect(XMLValidator.validate(agent.plist)).toBe(true);
      expect(readLaunchAgentNote(agent.plist)).toEqual({ project: root, every: '15m' });
    }
    expect(readLaunchAgentNote('<?xml version="1.0"?><plist><dict/></plist>')).toBeNull();
  });

  it('turns cron times into StartCalendarInterval entries: a missing key matches every value', () => {
    expect(calendarEntries({ minute: '5-59/15', hour: '*', dayOfMonth: '*', month: '*', dayOfWeek: '*' })).toEqual([{ Minute: 5 }, { Minute: 20 }, { Minute: 35 }, { Minute: 50 }]);
    expect(calendarEntries({ minute: '17', hour: '12', dayOfMonth: '*', month: '*', dayOfWeek: '3' })).toEqual([{ Weekday: 3, Hour: 12, Minute: 17 }]);
    expect(calendarEntries({ minute: '0', hour: '1-23/12', dayOfMonth: '*', month: '*', dayOfWeek: '7' })).toEqual([
      { Weekday: 0, Hour: 1, Minute: 0 },
      { Weekday: 0, Hour: 13, Minute: 0 },
    ]);
  });

  it('gives each project its own label, stable across runs', () => {
    expect(launchAgentLabel('/Users/ann/a')).toBe(launchAgentLabel('/Users/ann/a'));
    expect(launchAgentLabel('/Users/ann/a')).not.toBe(launchAgentLabel('/Users/ann/b'));
    expect(launchAgentLabel('/Users/ann/a')).toMatch(/^dev\.dbsafe\.backup\.[0-9a-f]{16}$/);
  });
});

describe('the scheduler and its platform', () => {
  it('is launchd on macOS and cron elsewhere, unless DBSAFE_SCHEDULER says otherwise', () => {
    expect(schedulerFor({}, 'darwin')).toBe('launchd');
    expect(schedulerFor({}, 'linux')).toBe('cron');
    expect(schedulerFor({ DBSAFE_SCHEDULER: 'cron' }, 'darwin')).toBe('cron');
    expect(schedulerFor({ DBSAFE_SCHEDULER: 'launchd' }, 'linux')).toBe('launchd');
    expect(() => schedulerFor({ DBSAFE_SCHEDULER: 'systemd' }, 'linux')).toThrow(/DBSAFE_SCHEDULER is "systemd".*"launchd" \(macOS\) or "cron"/);
  });

  it('warns on macOS when the project sits in a folder background jobs may not read', () => {
    expect(protectedFolderNote('/Users/ann/Documents/shop', '/Users/ann', 'darwin', 'launchd')).toMatch(/inside ~\/Documents.*give node Full Disk Access/);
    expect(protectedFolderNote('/Users/ann/Desktop/shop', '/Users/ann', 'darwin', 'cron')).toMatch(/inside ~\/Desktop.*give \/usr\/sbin\/cron Full Disk Access/);
    expect(protectedFolderNote('/Users/ann/Downloads', '/Users/ann', 'darwin', 'launchd')).toMatch(/~\/Downloads/);
    expect(protectedFolderNote('/Users/ann/code/shop', '/Users/ann', 'darwin', 'launchd')).toBeNull();
    expect(protectedFolderNote('/Users/ann/DocumentsArchive/shop', '/Users/ann', 'darwin', 'launchd')).toBeNull();
    expect(protectedFolderNote('/home/ann/Documents/shop', '/home/ann', 'linux', 'cron')).toBeNull();
  });
});

describe('the cron line on Linux', () => {
  it('sends everything after the log is reachable to the log, and puts the tool directories found at schedule time on PATH', () => {
    const command = scheduledCommand({ ...parts('/srv/app'), node: '/usr/bin/node', toolDirs: ['/usr/lib/postgresql/17/bin'] });
    expect(command).toBe("cd /srv/app && umask 077 && mkdir -p backups && exec >> backups/schedule.log 2>&1 && PATH=/usr/bin:/usr/lib/postgresql/17/bin:/usr/local/bin:/bin /usr/bin/node node_modules/dbsafe/dist/dbsafe.cjs backup --scheduled".replace(' node_modules/dbsafe/dist/dbsafe.cjs', ' /srv/app/node_modules/dbsafe/dist/dbsafe.cjs'));
  });
});
