import type { RuleKind } from '../rules/types.js';
import type { EngineName } from '../target/types.js';
import { URL_SCHEMES } from '../target/url.js';
import { redactCommandLine } from '../redact.js';

/**
 * The record written beside every backup file. A backup file without a valid
 * manifest is not a backup: it is never listed, restored or rotated.
 */
export interface Manifest {
  manifestVersion: 1;
  /** `<database>_<YYYYMMDD_HHMMSS>[_n]`: the file name without extension. */
  id: string;
  /** Backup file name in the same directory (`<id>.<ext>`). */
  file: string;
  engine: EngineName;
  /** The name backups of this database are filed under. */
  database: string;
  /** Host:port, socket or file path; never a password. */
  location: string;
  user: string | null;
  size: number;
  sha256: string;
  /** Client tool and version that wrote the archive ("pg_dump 15.20"). */
  clientTool: string;
  serverVersion: string;
  /** The command that caused the backup ("npm test", "pre-restore"), or "manual". */
  trigger: string;
  label: string | null;
  /** The command rule's kind ('migration', 'data', 'test'…) of the guarded command this backup was taken before; absent for manual and scheduled backups. */
  commandKind?: RuleKind;
  git: { branch: string | null; commit: string | null } | null;
  createdAt: string;
  finishedAt: string;
  /** Non-empty and read back by the engine's own tool before the manifest was written. */
  verified: true;
  dbsafeVersion: string;
  /** The codec the engine compressed the archive with in the stream ("zstd -1", "gzip -1", "none"); absent for backups made before, or by engines whose tool compresses itself. */
  compression?: string;
  /**
   * Present when the file is encrypted. The dbsafe format (src/encryption/format.ts): its algorithm and a short
   * hash of the key. age or gpg (src/store/sealed.ts): the recipients' public keys, the plaintext's sha256 and size
   * (checked after decryption), and whether the engine's tool read the archive back before it was encrypted
   * (a streamed dump never exists in plaintext on disk: `dbsafe verify` proves it). Never key material.
   */
  encryption?: LegacyEncryption | PublicKeyEncryption;
  /**
   * Present for a snapshot: the data is the database `database` on the
   * backup's own server (connections refused), and the file is only its
   * descriptor. It does not survive losing the server.
   */
  snapshot?: SnapshotRecord;
}

export interface SnapshotRecord {
  /** The snapshot database's name on the server (src/store/snapshot-naming.ts). */
  database: string;
  /** How it was made ("CREATE DATABASE … TEMPLATE, STRATEGY FILE_COPY"). */
  method: string;
  /** Space it uses on the server, when known. */
  sizeBytes: number | null;
  /** Rows per table when it was taken, for `dbsafe verify` to compare; absent in older manifests and where the engine cannot count. */
  tableRows?: Record<string, number>;
}

export interface LegacyEncryption {
  algorithm: string;
  keyId: string;
}

export interface PublicKeyEncryption {
  algorithm: 'age' | 'gpg';
  recipients: string[];
  plainSha256: string;
  plainSize: number;
  checkedBeforeEncryption: boolean;
}

export function isPublicKeyEncryption(encryption: Manifest['encryption']): encryption is PublicKeyEncryption {
  return encryption?.algorithm === 'age' || encryption?.algorithm === 'gpg';
}

const ENGINES = new Set<string>(Object.values(URL_SCHEMES));
const SHA256 = /^[0-9a-f]{64}$/;
const SAFE_FILE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

type FieldCheck = (value: unknown) => boolean;
const text: FieldCheck = (v) => typeof v === 'string' && v !== '';
const textOrNull: FieldCheck = (v) => v === null || typeof v === 'string';
const isoDate: FieldCheck = (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v));

/** Every field a manifest must have, with its check: a manifest that fails one is ignored. */
const MANIFEST_FIELDS: Record<keyof Manifest, FieldCheck> = {
  manifestVersion: (v) => v === 1,
  id: (v) => typeof v === 'string' && SAFE_FILE.test(v),
  file: (v) => typeof v === 'string' && SAFE_FILE.test(v),
  engine: (v) => typeof v === 'string' && ENGINES.has(v),
  database: text,
  location: (v) => typeof v === 'string',
  user: textOrNull,
  size: (v) => typeof v === 'number' && Number.isInteger(v) && v > 0,
  sha256: (v) => typeof v === 'string' && SHA256.test(v),
  clientTool: (v) => typeof v === 'string',
  serverVersion: (v) => typeof v === 'string',
  trigger: text,
  label: textOrNull,
  commandKind: (v) => v === undefined || text(v),
  git: (v) =>
    v === null ||
    (typeof v === 'object' && textOrNull((v as Record<string, unknown>).branch) && textOrNull((v as Record<string, unknown>).commit)),
  createdAt: isoDate,
  finishedAt: isoDate,
  verified: (v) => v === true,
  dbsafeVersion: (v) => typeof v === 'string',
  compression: (v) => v === undefined || text(v),
  encryption: (v) => v === undefined || validEncryptionRecord(v),
  snapshot: (v) =>
    v === undefined ||
    (typeof v === 'object' &&
      v !== null &&
      typeof (v as Record<string, unknown>).database === 'string' &&
      /^dbsafe_snap_[0-9a-f]{8}$/.test((v as Record<string, unknown>).database as string) &&
      typeof (v as Record<string, unknown>).method === 'string' &&
      validTableRows((v as Record<string, unknown>).tableRows)),
};

function validTableRows(v: unknown): boolean {
  if (v === undefined) return true;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  return Object.values(v).every((rows) => Number.isSafeInteger(rows) && (rows as number) >= 0);
}

function validEncryptionRecord(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const record = v as Record<string, unknown>;
  if (!text(record.algorithm)) return false;
  if (record.algorithm === 'age' || record.algorithm === 'gpg') {
    return (
      Array.isArray(record.recipients) &&
      record.recipients.every(text) &&
      typeof record.plainSha256 === 'string' &&
      SHA256.test(record.plainSha256) &&
      Number.isInteger(record.plainSize) &&
      typeof record.checkedBeforeEncryption === 'boolean'
    );
  }
  return typeof record.keyId === 'string' && /^[0-9a-f]{16}$/.test(record.keyId);
}

/**
 * Parse a manifest's JSON text; null when it is not a complete dbsafe
 * manifest (a foreign JSON file, a half-written one), or when the backup file
 * it names is not `<id>.<ext>`, so rotation can never be pointed at an
 * unrelated file (a log, a file in another directory).
 */
export function parseManifest(textValue: string): Manifest | null {
  let raw: unknown;
  try {
    raw = JSON.parse(textValue);
  } catch {
    return null;
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const record = raw as Record<string, unknown>;
  for (const [field, check] of Object.entries(MANIFEST_FIELDS)) {
    if (!check(record[field])) return null;
  }
  const manifest = record as unknown as Manifest;
  // Manifests written by older versions may hold a password in their trigger.
  manifest.trigger = redactCommandLine(manifest.trigger);
  if (!manifest.file.startsWith(`${manifest.id}.`) || manifest.file.endsWith('.json') || manifest.file.endsWith('.log')) return null;
  return manifest;
}

/** Newest first; the id breaks ties within one second (`_2` after the plain id). */
export function newestFirst(a: Manifest, b: Manifest): number {
  const byTime = Date.parse(b.createdAt) - Date.parse(a.createdAt);
  if (byTime !== 0) return byTime;
  return b.id.length - a.id.length || b.id.localeCompare(a.id);
}

/** Backups of the same database on the same server are rotated together. */
export function databaseKey(manifest: Pick<Manifest, 'engine' | 'location' | 'database'>): string {
  return `${manifest.engine}\u0000${manifest.location}\u0000${manifest.database}`;
}
