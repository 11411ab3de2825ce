import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/config/duration.js';
import { validateConfig } from '../../src/config/schema.js';
import { judgeHealth, median, type BackupSummary, type HealthCheckName, type HealthFacts, type IntegrityFact } from '../../src/health/judge.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const HOUR = 3600;

function backup(hoursAgo: number, size: number, id = `app_${hoursAgo}h`): BackupSummary {
  return { id, createdAt: new Date(NOW - hoursAgo * HOUR * 1000).toISOString(), size, trigger: 'manual' };
}

const GOOD: IntegrityFact = { checksum: 'match', archive: { ok: true } };

function facts(backups: BackupSummary[], newest: Partial<NonNullable<HealthFacts['newest']>> = {}, maxAgeHours = 24): HealthFacts {
  return {
    database: 'app',
    engine: 'sqlite',
    backupDir: 'backups',
    now: NOW,
    maxAgeSeconds: maxAgeHours * HOUR,
    maxAgeText: `${maxAgeHours}h`,
    backups,
    newest: backups[0] ? { sizeOnDisk: backups[0].size, integrity: GOOD, ...newest } : null,
  };
}

type Outcome = Partial<Record<HealthCheckName, boolean>>;

const CASES: Array<{ name: string; facts: HealthFacts; healthy: boolean; checks: Outcome; detail?: RegExp; fix?: RegExp }> = [
  { name: 'no backup at all', facts: facts([]), healthy: false, checks: { exists: false }, detail: /no backup of app in backups/, fix: /dbsafe backup.*dbsafe schedule --every 6h/ },
  { name: 'a lone first backup, fresh', facts: facts([backup(1, 1000)]), healthy: true, checks: { exists: true, recent: true, size: true, intact: true }, detail: /first backup/ },
  { name: 'fresh and in line with the earlier ones', facts: facts([backup(1, 950), backup(7, 1000), backup(13, 1020)]), healthy: true, checks: { recent: true, size: true }, detail: /median of the previous 2 backups is/ },
  { name: 'exactly half the median still passes', facts: facts([backup(1, 500), backup(7, 1000)]), healthy: true, checks: { size: true }, detail: /the previous backup is 1000 B/ },
  { name: 'older than the limit', facts: facts([backup(30, 1000)]), healthy: false, checks: { recent: false, size: true, intact: true }, detail: /1d old, older than the limit of 24h/, fix: /dbsafe backup/ },
  { name: 'exactly at the limit is too old', facts: facts([backup(12, 1000)], {}, 12), healthy: false, checks: { recent: false } },
  { name: 'a shorter limit', facts: facts([backup(2, 1000)], {}, 1), healthy: false, checks: { recent: false }, detail: /limit of 1h/ },
  {
    name: 'under half the median of the previous backups',
    facts: facts([backup(1, 400, 'app_new'), backup(7, 1000, 'app_prev'), backup(13, 900), backup(19, 5000)]),
    healthy: false,
    checks: { size: false, recent: true, intact: true },
    detail: /400 B, under half of the median of the previous 3 backups \(1000 B\): the database may have been emptied/,
    fix: /dbsafe verify app_new.*dbsafe restore app_prev/,
  },
  { name: 'compares with the previous five only', facts: facts([backup(1, 100), ...[2, 3, 4].map((h) => backup(h, 150)), ...[5, 6, 7, 8].map((h) => backup(h, 100_000))]), healthy: true, checks: { size: true } },
  { name: 'an empty file fails even as the first backup', facts: facts([backup(1, 1000)], { sizeOnDisk: 0 }), healthy: false, checks: { size: false }, detail: /empty \(0 bytes\)/ },
  { name: 'the size on disk counts, not the recorded one', facts: facts([backup(1, 1000), backup(7, 1000)], { sizeOnDisk: 100 }), healthy: false, checks: { size: false } },
  {
    name: 'checksum differs from the manifest',
    facts: facts([backup(1, 1000, 'app_x')], { integrity: { checksum: 'mismatch', actual: 'a'.repeat(64), recorded: 'b'.repeat(64) } }),
    healthy: false,
    checks: { intact: false, size: true },
    detail: /sha256 is aaaaaaaaaaaa… but the manifest recorded bbbbbbbbbbbb…/,
    fix: /Do not rely on app_x.*dbsafe backup/,
  },
  { name: 'file unreadable', facts: facts([backup(1, 1000)], { integrity: { checksum: 'unreadable', reason: 'EACCES: permission denied' } }), healthy: false, checks: { intact: false }, detail: /cannot be read: EACCES/ },
  {
    name: "the engine's tool cannot read it",
    facts: facts([backup(1, 1000)], { integrity: { checksum: 'match', archive: { ok: false, reason: 'quick_check found damage', cannotCheck: false } } }),
    healthy: false,
    checks: { intact: false },
    detail: /own tool cannot read it: quick_check found damage/,
  },
  {
    name: 'the tool to check it is missing',
    facts: facts([backup(1, 1000)], { integrity: { checksum: 'match', archive: { ok: false, reason: 'sqlite3 was not found on PATH', cannotCheck: true } } }),
    healthy: false,
    checks: { intact: false },
    detail: /could not check it: sqlite3 was not found/,
    fix: /Install the client tool/,
  },
  {
    name: 'an encrypted backup without its key is not called damaged',
    facts: facts([backup(1, 1000)], {
      integrity: { checksum: 'match', archive: { ok: false, reason: 'The backup x.dump.enc is encrypted, and no key is configured to read it.', cannotCheck: true, keyProblem: true } },
    }),
    healthy: false,
    checks: { intact: false },
    detail: /the backup is encrypted and could not be decrypted to check it \(this is not damage\): The backup x\.dump\.enc is encrypted/,
    fix: /"encryption\.keyFile" or DBSAFE_BACKUP_KEY/,
  },
];

describe('judgeHealth', () => {
  it.each(CASES)('$name', ({ facts: input, healthy, checks, detail, fix }) => {
    const verdict = judgeHealth(input);
    expect(verdict.healthy).toBe(healthy);
    for (const [name, ok] of Object.entries(checks)) expect(verdict.checks.find((c) => c.name === name)?.ok, name).toBe(ok);
    const failed = verdict.checks.filter((c) => !c.ok);
    for (const check of failed) expect(check.fix, check.name).toBeTruthy();
    for (const check of verdict.checks.filter((c) => c.ok)) expect(check.fix).toBeUndefined();
    if (detail) expect(verdict.checks.map((c) => c.detail).join('\n')).toMatch(detail);
    if (fix) expect(failed.map((c) => c.fix).join('\n')).toMatch(fix);
  });

  it('lists exists, recent, size and intact in that order when there is a backup, and only exists when there is none', () => {
    expect(judgeHealth(facts([backup(1, 10)])).checks.map((c) => c.name)).toEqual(['exists', 'recent', 'size', 'intact']);
    expect(judgeHealth(facts([])).checks.map((c) => c.name)).toEqual(['exists']);
  });

  it('snapshots only: no file backup, told they do not survive losing the server, and how to get a file', () => {
    const verdict = judgeHealth({ ...facts([]), snapshots: [backup(1, 200, 'app_snap')] });
    expect(verdict.healthy).toBe(false);
    expect(verdict.checks.map((c) => [c.name, c.ok])).toEqual([['exists', false], ['snapshot', true]]);
    expect(verdict.checks[0]!.detail).toMatch(/no file backup of app, only a snapshot on its server, and snapshots do not survive losing the server/);
    expect(verdict.checks[0]!.fix).toMatch(/dbsafe snapshot export app_snap.*dbsafe backup/);
    expect(verdict.checks[1]!.detail).toMatch(/newest snapshot app_snap, taken 1h ago, kept on the server: gone with it if the server is lost/);
  });

  it('a file backup and a snapshot: judged on the file, the snapshot shown apart', () => {
    const verdict = judgeHealth({ ...facts([backup(2, 1000, 'app_file')]), snapshots: [backup(1, 200, 'app_snap')] });
    expect(verdict.healthy).toBe(true);
    expect(verdict.checks.map((c) => c.name)).toEqual(['exists', 'recent', 'size', 'intact', 'snapshot']);
    expect(verdict.checks[0]!.detail).toContain('newest file backup app_file');
  });

  it('takes the median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('durations (--max-age, "healthMaxAge")', () => {
  it.each([
    ['30m', 1800],
    ['12h', 43_200],
    ['2d', 172_800],
    ['1s', 1],
    [' 6h ', 21_600],
    ['12 h', 43_200],
    ['12H', 43_200],
    ['90min', 5_400],
    ['1w', 604_800],
  ])('%s is %i seconds', (text, seconds) => expect(parseDuration(text)).toBe(seconds));

  it.each(['', '12', 'h', '1.5h', '-1h', '0h', '1y', '12hours', 'soon', '1h30m'])('"%s" is not a duration', (text) => expect(parseDuration(text)).toBeNull());

  it('the config accepts a duration and names the accepted forms for anything else', () => {
    expect(validateConfig({ healthMaxAge: '12h' })).toEqual([]);
    expect(validateConfig({ healthMaxAge: 'tomorrow' })).toEqual(['"healthMaxAge" must be a whole number followed by s, m, h, d or w (30m, 12h, 2d)']);
    expect(validateConfig({ healthMaxAge: 12 })).toHaveLength(1);
  });
});
