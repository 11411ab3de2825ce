import { redactMessage } from '../redact.js';
import type { DotenvFile } from '../target/resolve.js';
import { NOTIFY_EVENT_NAMES, NOTIFY_EVENTS, type NotifyConfig, type NotifyEvent } from './events.js';

/** The variable holding the webhook address: a secret, so never in dbsafe.config.json. */
export const NOTIFY_URL_VARIABLE = 'DBSAFE_NOTIFY_URL';

/** How long a webhook may take to answer, and a command to finish: a notification never holds up cron for long. */
export const WEBHOOK_TIMEOUT_MS = 5_000;
export const COMMAND_TIMEOUT_MS = 15_000;

/**
 * The webhook address, looked up like the database variables: the shell
 * environment wins, then the .env files, the later (more specific) file
 * winning. An empty value counts as unset. Pure.
 */
export function findWebhookUrl(env: Record<string, string | undefined>, dotenv: readonly DotenvFile[]): string | null {
  const fromShell = env[NOTIFY_URL_VARIABLE]?.trim();
  if (fromShell) return fromShell;
  for (const file of [...dotenv].reverse()) {
    const value = file.values[NOTIFY_URL_VARIABLE]?.trim();
    if (value) return value;
  }
  return null;
}

/** A webhook address, checked; `host` is all of it dbsafe ever shows. */
export type WebhookAddress = { ok: true; url: URL; host: string } | { ok: false; problem: string };

/** Parse the webhook address without ever repeating it (it carries a token). Pure. */
export function parseWebhookUrl(value: string): WebhookAddress {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, problem: `${NOTIFY_URL_VARIABLE} is not a URL` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, problem: `${NOTIFY_URL_VARIABLE} is not an http(s) URL (it starts with ${url.protocol})` };
  return { ok: true, url, host: url.host };
}

/** Where notifications go, read from the config and the environment. */
export interface NotifySettings {
  config: NotifyConfig | undefined;
  /** The value of DBSAFE_NOTIFY_URL, or null. */
  webhookUrl: string | null;
}

/** The events that are sent: those listed, or every event when the config lists none. Pure. */
export function notifiedEvents(config: NotifyConfig | undefined): NotifyEvent[] {
  return config?.events ?? NOTIFY_EVENT_NAMES;
}

/** What happened, as the command that noticed it knows it. */
export interface NotifyDetails {
  event: NotifyEvent;
  /** The project's directory name. */
  project: string;
  /** The database in words (describeTarget: never a password), or null when none was resolved. */
  database: string | null;
  message: string;
  host: string;
  /** ISO 8601. */
  time: string;
  dbsafeVersion: string;
}

/** The JSON body of the webhook POST; `text` is what Slack-compatible webhooks display. */
export interface NotificationPayload extends NotifyDetails {
  text: string;
}

export interface NotificationPlan {
  payload: NotificationPayload;
  webhook: WebhookAddress | null;
  /** The shell command and the variables it receives (never interpolated into its text). */
  command: { line: string; env: Record<string, string> } | null;
}

const SUMMARY_LIMIT = 300;

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > SUMMARY_LIMIT ? `${line.slice(0, SUMMARY_LIMIT - 1)}…` : line;
}

/** The one-line human summary: "dbsafe on build-box: scheduled backup FAILED for … (project shop): …". Pure. */
export function summaryText(details: NotifyDetails): string {
  const what = `${NOTIFY_EVENTS[details.event].summary}${details.database ? ` for ${details.database}` : ''}`;
  return oneLine(`dbsafe on ${details.host}: ${what} (project ${details.project}): ${details.message}`);
}

/**
 * Which channels an event goes to and what they say. Null when the event is
 * not listed or nothing is configured to receive it. Passwords in the message
 * are masked, and the webhook address never enters the payload. Pure.
 */
export function planNotification(settings: NotifySettings, details: NotifyDetails): NotificationPlan | null {
  if (!notifiedEvents(settings.config).includes(details.event)) return null;
  const command = settings.config?.command ?? null;
  if (!settings.webhookUrl && !command) return null;
  let message = redactMessage(details.message);
  if (settings.webhookUrl) message = message.split(settings.webhookUrl).join('the webhook');
  const safe = { ...details, message };
  const payload: NotificationPayload = { ...safe, text: summaryText(safe) };
  return {
    payload,
    webhook: settings.webhookUrl ? parseWebhookUrl(settings.webhookUrl) : null,
    command: command
      ? {
      line: command,
      env: {
        DBSAFE_EVENT: payload.event,
        DBSAFE_MESSAGE: payload.message,
        DBSAFE_TEXT: payload.text,
        DBSAFE_PROJECT: payload.project,
        DBSAFE_DATABASE: payload.database ?? '',
        DBSAFE_HOST: payload.host,
        DBSAFE_TIME: payload.time,
      },
    }
      : null,
  };
}

/** What `dbsafe doctor` shows about notifications: never the address, its host at most. */
export interface NotifyStatus {
  webhook: { set: false } | { set: true; host: string } | { set: true; problem: string };
  command: boolean;
  /** The events that would be sent (empty when no channel is configured). */
  events: NotifyEvent[];
}

export function notifyStatus(settings: NotifySettings): NotifyStatus {
  const address = settings.webhookUrl ? parseWebhookUrl(settings.webhookUrl) : null;
  const command = Boolean(settings.config?.command);
  return {
    webhook: !address ? { set: false } : address.ok ? { set: true, host: address.host } : { set: true, problem: address.problem },
    command,
    events: address || command ? notifiedEvents(settings.config) : [],
  };
}
