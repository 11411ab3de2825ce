import path from 'node:path';
import type { GuardSteps, SafetyVerdict } from './steps.js';

/**
 * The production check and the backup store, as guarded execution uses them.
 * Loaded lazily: `dbsafe audit` and `dbsafe allow` never pay for them.
 */
export const realGuardSteps: GuardSteps = {
  async judge(context): Promise<SafetyVerdict> {
    const [{ assessProject }, { renderReasons }, { err }, { judgeMissingDatabases }] = await Promise.all([
      import('../safety/assess.js'),
      import('../safety/render.js'),
      import('../cli/output.js'),
      import('../safety/missing-database.js'),
    ]);
    const { verdict, project } = await assessProject(context);
    // The framework creates this database for the run (Django's test_ database): nothing of the user's is in it to back up.
    const createdByRun = context.targets.primary?.createdByRun === true;
    if (verdict.verdict === 'safe' && createdByRun) return { refused: false, overridable: false, explanation: '', summary: null, rule: null, nothingToBackUp: true };
    const missing = judgeMissingDatabases(verdict, context.targets.primary, project);
    if (missing.kind === 'may-create') return { refused: false, overridable: false, explanation: '', summary: null, rule: null, nothingToBackUp: missing.primaryMissing || createdByRun };
    const first = verdict.reasons[0];
    return {
      refused: verdict.verdict !== 'safe',
      // A one-off consent answers a production indicator; never a configuration or a connection dbsafe could not judge.
      overridable: verdict.verdict === 'refused' && verdict.reasons.every((reason) => reason.severity === 'refused'),
      explanation: verdict.reasons.length > 0 ? renderReasons(verdict, err).trimEnd() : '',
      summary: first ? first.message : null,
      rule: first?.rule ?? null,
    };
  },

  async backup(context, target, options) {
    const [{ backupStoreFor }, { takeProtectiveCopy }, { progressLine }, { copyModeOf }, { snapshotPlace }] = await Promise.all([
      import('../store/store.js'),
      import('../store/take-copy.js'),
      import('../cli/progress.js'),
      import('../store/copy-mode.js'),
      import('../store/snapshot-messages.js'),
    ]);
    const store = backupStoreFor(context);
    const started = Date.now();
    // A progress line only on a terminal and only for a backup taking more than a second: quick runs stay one line.
    const progress = progressLine(`dbsafe: backing up ${target.database}`, { verbose: false });
    const question = options.askAboutSessions ? (await import('../cli/session-prompt.js')).sessionPrompt(process.env) : undefined;
    let manifest;
    try {
      manifest = await takeProtectiveCopy(store, target, {
        trigger: options.trigger,
        label: options.label ?? null,
        commandKind: options.commandKind ?? null,
        progress: progress.sink,
        mode: options.mode ?? copyModeOf(context.config.config, 'guarded'),
        terminateConnections: options.terminateConnections === true,
        ...(question ? { askToTerminate: question } : {}),
        say: (line) => process.stderr.write(`dbsafe: ${line}\n`),
      });
    } finally {
      progress.done();
    }
    return { id: manifest.id, file: path.join(store.dir, manifest.file), sizeBytes: manifest.size, durationMs: Date.now() - started - (question?.waitedMs() ?? 0), ...(manifest.snapshot ? { snapshot: true, kept: snapshotPlace(manifest.engine) } : {}) };
  },

  async notifyRefusal(context, details) {
    const { sendNotification } = await import('../notify/send.js');
    await sendNotification(context, 'refused', details);
  },

  async notifyOverride(context, details) {
    const { sendNotification } = await import('../notify/send.js');
    await sendNotification(context, 'override', details);
  },

  async restore(context, target, backup) {
    const [{ backupStoreFor }, { findBackup, restoreBackup }] = await Promise.all([import('../store/store.js'), import('../store/restore-backup.js')]);
    const store = backupStoreFor(context);
    await restoreBackup(store, target, await findBackup(store, backup.id, target));
  },
};
