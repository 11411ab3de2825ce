import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/schema.js';
import { validateNotifyConfig } from '../../src/notify/events.js';
import { findWebhookUrl, notifyStatus, parseWebhookUrl, planNotification, type NotifyDetails } from '../../src/notify/plan.js';

const SECRET_URL = 'https://hooks.slack.com/services/T000/B000/s3cr3tT0ken';

const DETAILS: NotifyDetails = {
  event: 'backup-failed',
  project: 'shop',
  database: 'PostgreSQL shop_dev on 127.0.0.1:5432 (DATABASE_URL)',
  message: 'pg_dump failed for postgres://app:hunter2@127.0.0.1/shop_dev',
  host: 'build-box',
  time: '2026-01-02T03:04:05.000Z',
  dbsafeVersion: '0.1.0',
};

describe('validateNotifyConfig', () => {
  it.each([
    [{ command: 'notify-send dbsafe "$DBSAFE_MESSAGE"', events: ['backup-failed', 'unhealthy'] }, null],
    [{ events: ['unhealthy'] }, null],
    [{}, null],
    ['notify-send', /must be an object like/],
    [{ command: '' }, /\.command must be a non-empty shell command/],
    [{ events: [] }, /\.events must be a non-empty list.*known events: backup-failed, unhealthy/],
    [{ events: 'unhealthy' }, /\.events must be a non-empty list/],
    [{ events: ['backup-failed', 'backup-failure'] }, /unknown event "backup-failure" \(known events: backup-failed, unhealthy, refused, override, unmarked\)/],
    [{ url: SECRET_URL }, /has "url": the webhook address carries a token.*DBSAFE_NOTIFY_URL/],
    [{ webhook: SECRET_URL }, /has "webhook".*DBSAFE_NOTIFY_URL/],
    [{ channel: '#ops' }, /unknown key "channel" \(known: command, events/],
  ])('%j → %s', (value, expected) => {
    const problem = validateNotifyConfig(value);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });

  it('is the "notify" row of the configuration, and a problem never repeats the address', () => {
    expect(validateConfig({ notify: { events: ['oops'] } })).toEqual(['"notify" .events has unknown event "oops" (known events: backup-failed, unhealthy, refused, override, unmarked)']);
    expect(validateConfig({ notify: { url: SECRET_URL } }).join(' ')).not.toContain('s3cr3t');
  });
});

describe('findWebhookUrl', () => {
  const files = [
    { file: '/p/.env', values: { DBSAFE_NOTIFY_URL: 'https://from-env-file' } },
    { file: '/p/.env.local', values: { DBSAFE_NOTIFY_URL: 'https://from-env-local' } },
  ];
  it('takes the shell environment first, then the most specific .env file', () => {
    expect(findWebhookUrl({ DBSAFE_NOTIFY_URL: 'https://from-shell' }, files)).toBe('https://from-shell');
    expect(findWebhookUrl({}, files)).toBe('https://from-env-local');
    expect(findWebhookUrl({ DBSAFE_NOTIFY_URL: '  ' }, files.slice(0, 1))).toBe('https://from-env-file');
    expect(findWebhookUrl({}, [])).toBeNull();
  });
});

describe('parseWebhookUrl', () => {
  it('keeps the host only for display, and refuses what is not http(s) without repeating it', () => {
    expect(parseWebhookUrl(SECRET_URL)).toMatchObject({ ok: true, host: 'hooks.slack.com' });
    expect(parseWebhookUrl('hooks.slack.com/s3cr3t')).toEqual({ ok: false, problem: 'DBSAFE_NOTIFY_URL is not a URL' });
    expect(parseWebhookUrl('ftp://example.com/s3cr3t')).toEqual({ ok: false, problem: 'DBSAFE_NOTIFY_URL is not an http(s) URL (it starts with ftp:)' });
  });
});

describe('planNotification', () => {
  it('sends to the webhook and the command, with the password masked and a one-line text', () => {
    const plan = planNotification({ config: { command: 'mail -s dbsafe ops@example.com', events: ['backup-failed'] }, webhookUrl: SECRET_URL }, DETAILS)!;
    expect(plan.payload).toEqual({
      ...DETAILS,
      message: 'pg_dump failed for postgres://app:********@127.0.0.1/shop_dev',
      text: 'dbsafe on build-box: scheduled backup FAILED for PostgreSQL shop_dev on 127.0.0.1:5432 (DATABASE_URL) (project shop): pg_dump failed for postgres://app:********@127.0.0.1/shop_dev',
    });
    expect(plan.webhook).toMatchObject({ ok: true, host: 'hooks.slack.com' });
    expect(plan.command).toEqual({
      line: 'mail -s dbsafe ops@example.com',
      env: {
        DBSAFE_EVENT: 'backup-failed',
        DBSAFE_MESSAGE: plan.payload.message,
        DBSAFE_TEXT: plan.payload.text,
        DBSAFE_PROJECT: 'shop',
        DBSAFE_DATABASE: DETAILS.database,
        DBSAFE_HOST: 'build-box',
        DBSAFE_TIME: DETAILS.time,
      },
    });
    expect(JSON.stringify(plan.payload)).not.toContain('hunter2');
    expect(JSON.stringify(plan.payload)).not.toContain('s3cr3t');
  });

  it('never puts the webhook address in the payload, even when the message quotes it', () => {
    const plan = planNotification({ config: undefined, webhookUrl: SECRET_URL }, { ...DETAILS, message: `could not reach ${SECRET_URL} today` })!;
    expect(plan.payload.message).toBe('could not reach the webhook today');
    expect(JSON.stringify(plan.payload)).not.toContain('s3cr3t');
  });

  it('sends nothing for an event that is not listed, or with no channel', () => {
    expect(planNotification({ config: { command: 'true', events: ['unhealthy'] }, webhookUrl: SECRET_URL }, DETAILS)).toBeNull();
    expect(planNotification({ config: { events: ['backup-failed'] }, webhookUrl: null }, DETAILS)).toBeNull();
    expect(planNotification({ config: undefined, webhookUrl: null }, DETAILS)).toBeNull();
  });

  it('sends every event when only DBSAFE_NOTIFY_URL is set; a database-less failure says so', () => {
    const plan = planNotification({ config: undefined, webhookUrl: SECRET_URL }, { ...DETAILS, event: 'unhealthy', database: null, message: 'no backup' })!;
    expect(plan.command).toBeNull();
    expect(plan.payload.text).toBe('dbsafe on build-box: backups NOT healthy (project shop): no backup');
  });

  it('keeps the text to one short line', () => {
    const plan = planNotification({ config: undefined, webhookUrl: SECRET_URL }, { ...DETAILS, message: `first\n  second\n${'x'.repeat(1000)}` })!;
    expect(plan.payload.text).not.toContain('\n');
    expect(plan.payload.text.length).toBe(300);
    expect(plan.payload.text.endsWith('…')).toBe(true);
    expect(plan.payload.message).toContain('\n  second\n');
  });
});

describe('notifyStatus', () => {
  it('says what is set without the address', () => {
    expect(notifyStatus({ config: undefined, webhookUrl: null })).toEqual({ webhook: { set: false }, command: false, events: [] });
    expect(notifyStatus({ config: { events: ['unhealthy'] }, webhookUrl: SECRET_URL })).toEqual({ webhook: { set: true, host: 'hooks.slack.com' }, command: false, events: ['unhealthy'] });
    expect(notifyStatus({ config: { command: 'true' }, webhookUrl: 'nope' })).toEqual({
      webhook: { set: true, problem: 'DBSAFE_NOTIFY_URL is not a URL' },
      command: true,
      events: ['backup-failed', 'unhealthy', 'refused', 'override', 'unmarked'],
    });
  });
});
