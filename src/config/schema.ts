import { validateOffsiteConfig, type OffsiteConfig } from '../offsite/config.js';
import { validateEncryptionConfig, type EncryptionConfig } from '../encryption/config.js';
import { validateCommandRulesConfig, type CommandRulesConfig } from '../rules/user-rules.js';
import { validateNotifyConfig, type NotifyConfig } from '../notify/events.js';
import { compressionSettingProblem, type CompressionSetting } from '../engines/compression-setting.js';
import { validateAllowedHosts } from './allowed-hosts.js';
import { DURATION_FORMS, parseDuration } from './duration.js';

/** dbsafe's configuration, after validation and defaults. */
export interface DbsafeConfig {
  /** Variable (e.g. "DATABASE_URL", "PG_DATABASE_URL") whose database guarded commands use and back up. */
  target?: string;
  /** Backup directory, relative to the project root. */
  backupDir: string;
  /** Backups kept per database by rotation. */
  retention: number;
  /** Labelled backups kept per database by rotation, newest first; absent: every labelled backup, until `dbsafe forget`. */
  keepLabelled?: number;
  /** Also keep the newest backup of each of the last N days (UTC) that have backups. */
  keepDaily?: number;
  /** Also keep the newest backup of each of the last N ISO weeks that have backups. */
  keepWeekly?: number;
  /** Hosts treated as local besides loopback, sockets and compose services. */
  allowedHosts: string[];
  /** Extra production words matched against database names and hosts (case-insensitive words, or /regex/). */
  productionPatterns: string[];
  /** The command the git pre-push hook runs through `dbsafe run`; false: none. Default: the package.json test script. */
  prePush?: string | false;
  /** Extra command rules: commands to guard and to allow, on top of the built-in table (src/rules/table). */
  commands?: CommandRulesConfig;
  /** How old the newest backup may be before `dbsafe health` says unhealthy ("12h"); default 24h. */
  healthMaxAge?: string;
  /** Who is told when a scheduled backup fails or health finds a problem; the webhook address is DBSAFE_NOTIFY_URL, never here. */
  notify?: NotifyConfig;
  /** Encrypt new backups with the key in this file (DBSAFE_BACKUP_KEY wins over it). */
  encryption?: EncryptionConfig;
  /** How guarded commands and `dbsafe backup` protect the database: "snapshot" (server-side), "dump" (file), "auto" (snapshot where possible). */
  mode?: 'snapshot' | 'dump' | 'auto';
  /** How file backups are compressed in the stream: "zstd", "lz4", "gzip", "none", or {"codec", "level"}; absent: the fastest installed that keeps files no larger (src/engines/compression.ts). */
  compression?: CompressionSetting['codec'] | CompressionSetting;
  /** Where the engine's client tools run: auto (default), host, or container (inside the container that serves the database). */
  tools?: 'auto' | 'host' | 'container';
  /** The container (name, Compose service or id) whose tools to use when several could serve the database. */
  container?: string;
  /** The container CLI: docker (default), podman, or a path. */
  containerCli?: string;
  /** Where a copy of every backup is uploaded: {"rclone": "remote:path"} and/or {"restic": "repository"}, "keep" per database. */
  offsite?: OffsiteConfig;
}

export const DEFAULT_CONFIG: DbsafeConfig = {
  backupDir: 'backups',
  retention: 10,
  allowedHosts: [],
  productionPatterns: [],
};

type Validator = (value: unknown) => string | null;

const isString: Validator = (value) => (typeof value === 'string' && value.trim() !== '' ? null : 'must be a non-empty string');
const isStringList: Validator = (value) =>
  Array.isArray(value) && value.every((item) => typeof item === 'string' && item.trim() !== '') ? null : 'must be a list of non-empty strings';
const isPositiveInteger: Validator = (value) =>
  typeof value === 'number' && Number.isInteger(value) && value >= 1 ? null : 'must be a whole number of 1 or more';
const isCount: Validator = (value) => (typeof value === 'number' && Number.isInteger(value) && value >= 0 ? null : 'must be a whole number of 0 or more');
const isCommandOrFalse: Validator = (value) => (value === false || (typeof value === 'string' && value.trim() !== '') ? null : 'must be a command line, or false to run nothing');
const isDuration: Validator = (value) => (typeof value === 'string' && parseDuration(value) !== null ? null : `must be ${DURATION_FORMS}`);
const isPatternList: Validator = (value) => {
  const listError = isStringList(value);
  if (listError) return listError;
  for (const pattern of value as string[]) {
    if (pattern.startsWith('/') && pattern.endsWith('/') && pattern.length > 2) {
      try {
        new RegExp(pattern.slice(1, -1), 'i');
      } catch {
        return `has an invalid regular expression ${pattern}`;
      }
    }
  }
  return null;
};

/** Every key the configuration accepts, with its check. A new setting is a new row. */
export const CONFIG_KEYS: Record<string, { validate: Validator; describe: string }> = {
  target: { validate: isString, describe: 'variable naming the database guarded commands use' },
  backupDir: { validate: isString, describe: 'backup directory, relative to the project' },
  retention: { validate: isPositiveInteger, describe: 'backups kept per database' },
  keepLabelled: { validate: isCount, describe: 'labelled backups kept per database (default: all, until dbsafe forget)' },
  keepDaily: { validate: isCount, describe: 'also keep the newest backup of each of the last N days' },
  keepWeekly: { validate: isCount, describe: 'also keep the newest backup of each of the last N weeks' },
  allowedHosts: { validate: validateAllowedHosts, describe: 'hosts treated as local (exact names, or *.domain under a domain of your own)' },
  productionPatterns: { validate: isPatternList, describe: 'extra production words or /regex/' },
  prePush: { validate: isCommandOrFalse, describe: 'command the git pre-push hook runs through dbsafe run (false: none)' },
  commands: { validate: validateCommandRulesConfig, describe: 'extra command rules: {"guard": [...], "allow": [...]}' },
  healthMaxAge: { validate: isDuration, describe: 'how old the newest backup may be for dbsafe health (30m, 12h, 2d)' },
  notify: { validate: validateNotifyConfig, describe: 'notifications: {"command": "...", "events": ["backup-failed", "unhealthy"]}; the webhook address goes in DBSAFE_NOTIFY_URL' },
  mode: { validate: (value) => (value === 'snapshot' || value === 'dump' || value === 'auto' ? null : 'must be "snapshot", "dump" or "auto"'), describe: 'snapshot (server-side copy, restored by a rename), dump (file backup) or auto (snapshot where the server allows)' },
  compression: { validate: compressionSettingProblem, describe: 'backup compression: "zstd", "lz4", "gzip", "none", or {"codec": "zstd", "level": 3} (default: zstd -1 when installed, else gzip -1)' },
  tools: { validate: (value) => (value === 'auto' || value === 'host' || value === 'container' ? null : 'must be "auto", "host" or "container"'), describe: 'where client tools run: auto, host, or container (inside the container serving the database)' },
  container: { validate: isString, describe: 'the container (name, Compose service or id) serving the database, when several could' },
  containerCli: { validate: isString, describe: 'the container CLI: docker (default), podman, or a path' },
  offsite: { validate: validateOffsiteConfig, describe: 'offsite copies of every backup: {"rclone": "remote:path"} and/or {"restic": "repository"}, "keep": N' },
  encryption: { validate: validateEncryptionConfig, describe: 'encrypt backups: {"recipients": ["age1…"]}, {"gpgRecipients": […]} or {"keyFile": "~/.config/dbsafe/backup.key"}' },
};

/**
 * Keys that name JavaScript's object machinery rather than a setting. JSON
 * makes them ordinary keys, but a lookup or a merge would reach a prototype
 * through them, so they are refused wherever they appear.
 */
const RESERVED_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

/** Where reserved keys appear in `value`: `__proto__`, `commands.constructor`, `commands.guard[0].prototype`. Pure. */
export function reservedKeyPaths(value: unknown, at = ''): string[] {
  if (value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((item, index) => reservedKeyPaths(item, `${at}[${index}]`));
  return Object.entries(value).flatMap(([key, item]) => {
    const where = at === '' ? key : `${at}.${key}`;
    return RESERVED_KEYS.includes(key) ? [where] : reservedKeyPaths(item, where);
  });
}

/** Validate raw configuration; returns the problems, one sentence each. Pure. */
export function validateConfig(raw: unknown): string[] {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return ['the configuration must be a JSON object'];
  const reserved = reservedKeyPaths(raw);
  if (reserved.length > 0) {
    return reserved.map((where) => `the key "${where}" is not allowed: ${RESERVED_KEYS.join(', ')} are reserved names, not settings; remove it`);
  }
  const problems: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (key === '$schema') continue;
    const rule = Object.hasOwn(CONFIG_KEYS, key) ? CONFIG_KEYS[key] : undefined;
    if (!rule) {
      problems.push(`unknown key "${key}" (known keys: ${Object.keys(CONFIG_KEYS).join(', ')})`);
      continue;
    }
    const problem = rule.validate(value);
    if (problem) problems.push(`"${key}" ${problem}`);
  }
  return problems;
}
