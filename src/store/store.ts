import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ProjectContext } from '../config/context.js';
import { keySourceFor, type KeySource } from '../encryption/key.js';
import { toCompressionSetting, type CompressionSetting } from '../engines/compression-setting.js';
import { publicKeySettingsFor, type PublicKeySettings } from '../encryption/public-keys.js';
import type { OffsiteConfig } from '../offsite/config.js';
import { storeMessages } from './messages.js';
import { removeDeadPartials } from './files.js';
import { countPolicy, type RetentionPolicy } from './rotation.js';

/** Where a project's backups live and how many are kept. */
export interface BackupStore {
  projectRoot: string;
  /** Absolute backup directory. */
  dir: string;
  retention: number;
  /** Kept besides the newest `retention`: labelled (null: all), daily and weekly backups (config keepLabelled, keepDaily, keepWeekly). */
  keep?: Omit<RetentionPolicy, 'keepLast'>;
  /** How long to wait for another dbsafe process working on the same database. */
  lockWaitMs: number;
  /** Where the backup encryption key comes from; absent: no encryption, and encrypted backups cannot be read. */
  keys?: KeySource;
  /** The configuration's `compression`; absent: each engine's default. */
  compression?: CompressionSetting;
  /** age or gpg recipients new backups are encrypted to, and the identity that reads age backups (src/store/sealed.ts). */
  publicKeys?: PublicKeySettings;
  /** Where copies of every backup are uploaded (src/offsite); absent: nowhere. */
  offsite?: OffsiteConfig;
}

export function backupStoreFor(context: Pick<ProjectContext, 'projectRoot' | 'config'> & { env?: ProjectContext['env'] }, lockWaitMs = 10 * 60_000): BackupStore {
  const dir = path.resolve(context.projectRoot, context.config.config.backupDir);
  return {
    projectRoot: context.projectRoot,
    dir,
    retention: context.config.config.retention,
    keep: { keepLabelled: context.config.config.keepLabelled ?? null, keepDaily: context.config.config.keepDaily ?? 0, keepWeekly: context.config.config.keepWeekly ?? 0 },
    lockWaitMs,
    keys: keySourceFor({ keyFileSetting: context.config.config.encryption?.keyFile, env: context.env ?? {}, projectRoot: context.projectRoot, backupDir: dir }),
    ...(context.config.config.compression ? { compression: toCompressionSetting(context.config.config.compression) } : {}),
    offsite: context.config.config.offsite,
    publicKeys: publicKeySettingsFor({ config: context.config.config.encryption, env: context.env ?? {}, projectRoot: context.projectRoot, backupDir: dir }),
  };
}

/**
 * Create the directory private (0700) and clear temporary files of dbsafe
 * processes that died mid-write. (Keeping it out of git runs beside the
 * dump: see takeBackupHoldingLock.)
 */
export async function prepareBackupDir(store: BackupStore): Promise<void> {
  try {
    const created = await fs.mkdir(store.dir, { recursive: true, mode: 0o700 });
    const relative = path.relative(store.projectRoot, store.dir);
    // Tighten a directory dbsafe owns; never chmod the project root or a shared directory outside it.
    const ours = created !== undefined || (relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative));
    if (ours) await fs.chmod(store.dir, 0o700);
  } catch (error) {
    throw storeMessages.dirUnusable(store.dir, (error as Error).message);
  }
  await removeDeadPartials(store.dir);
}

/** The store's retention policy: the newest `retention` plus what the configuration keeps. */
export function retentionPolicy(store: BackupStore): RetentionPolicy {
  return { ...countPolicy(store.retention), ...store.keep };
}
