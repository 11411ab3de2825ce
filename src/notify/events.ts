/**
 * The events dbsafe can tell someone about. A new event is a new row: its
 * name in the config's `notify.events`, and the words of its one-line summary.
 */
export const NOTIFY_EVENTS = {
  'backup-failed': { describe: 'a scheduled backup (`dbsafe backup --scheduled`, the cron job) failed or was refused', summary: 'scheduled backup FAILED' },
  unhealthy: { describe: '`dbsafe health --notify` found the newest backup unhealthy', summary: 'backups NOT healthy' },
  refused: { describe: '`dbsafe run` or `dbsafe guard` (a hook, a shell function, an agent) refused a command because its database looks like production', summary: 'command REFUSED' },
  override: { describe: 'a command refused as production ran once anyway, under a consent given with `dbsafe allow`', summary: 'production refusal OVERRIDDEN' },
  unmarked: { describe: '`dbsafe mark development` removed the production marker from a database', summary: 'production marker REMOVED' },
} as const;

export type NotifyEvent = keyof typeof NOTIFY_EVENTS;

export const NOTIFY_EVENT_NAMES = Object.keys(NOTIFY_EVENTS) as NotifyEvent[];

/** The `notify` key of dbsafe's configuration. The webhook address is not here: it is a secret (DBSAFE_NOTIFY_URL). */
export interface NotifyConfig {
  /** A shell command run with the details in DBSAFE_* environment variables. */
  command?: string;
  /** The events to send; default: every event. */
  events?: NotifyEvent[];
}

export function isNotifyEvent(name: string): name is NotifyEvent {
  return Object.hasOwn(NOTIFY_EVENTS, name);
}

const EXAMPLE = '{"command": "notify-send dbsafe \\"$DBSAFE_MESSAGE\\"", "events": ["backup-failed", "unhealthy"]}';

/** Validate the raw `notify` value; one sentence naming the first problem and its fix, or null. Pure. */
export function validateNotifyConfig(value: unknown): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return `must be an object like ${EXAMPLE}`;
  for (const [key, item] of Object.entries(value)) {
    if (['url', 'webhook', 'webhookUrl'].includes(key)) {
      return `has "${key}": the webhook address carries a token and this file is committed to git. Remove it here and set DBSAFE_NOTIFY_URL in the project's .env (or the environment) instead`;
    }
    if (key === 'command') {
      if (typeof item !== 'string' || item.trim() === '') return '.command must be a non-empty shell command, e.g. "notify-send dbsafe \\"$DBSAFE_MESSAGE\\""';
      continue;
    }
    if (key === 'events') {
      if (!Array.isArray(item) || item.length === 0 || !item.every((name) => typeof name === 'string')) {
        return `.events must be a non-empty list of event names (known events: ${NOTIFY_EVENT_NAMES.join(', ')})`;
      }
      const unknown = item.find((name: string) => !isNotifyEvent(name));
      if (unknown !== undefined) return `.events has unknown event "${unknown}" (known events: ${NOTIFY_EVENT_NAMES.join(', ')})`;
      continue;
    }
    return `has unknown key "${key}" (known: command, events; the webhook address goes in DBSAFE_NOTIFY_URL)`;
  }
  return null;
}
