import os from 'node:os';
import path from 'node:path';
import { appendAuditEntry, auditContext, auditLogPath } from '../audit/log.js';
import { writeStderr } from '../cli/output.js';
import type { ProjectContext } from '../config/context.js';
import { dbsafeVersion } from '../package-root.js';
import { postWebhook, runNotifyCommand, type DeliveryOutcome } from './deliver.js';
import type { NotifyEvent } from './events.js';
import { notifyMessages as say } from './messages.js';
import { COMMAND_TIMEOUT_MS, findWebhookUrl, planNotification, WEBHOOK_TIMEOUT_MS } from './plan.js';

interface Delivery {
  channel: string;
  outcome: DeliveryOutcome;
  /** The warning printed when it failed. */
  warning: (reason: string) => string;
}

function record(context: ProjectContext, event: NotifyEvent, database: string | null, delivery: Delivery, started: number): void {
  try {
    appendAuditEntry(auditLogPath(context.projectRoot, context.config.config.backupDir), {
      time: new Date(started).toISOString(),
      operation: 'notify',
      decision: delivery.outcome.ok ? 'notified' : 'notify-failed',
      rule: `${event} → ${delivery.channel}${delivery.outcome.ok ? '' : `: ${delivery.outcome.reason}`}`,
      target: database,
      command: null,
      backupId: null,
      exitCode: null,
      durationMs: Date.now() - started,
      ...auditContext(context.cwd, context.env),
      agent: null,
    });
  } catch (error) {
    writeStderr(`dbsafe: ${say.auditUnwritable((error as Error).message)}\n`);
  }
}

/**
 * Tell whoever the project configured that `event` happened. Never throws
 * and never changes the caller's exit code: a notification that cannot be
 * delivered is a warning on stderr and a line in the audit log.
 */
export async function sendNotification(context: ProjectContext, event: NotifyEvent, details: { database: string | null; message: string }): Promise<void> {
  const started = Date.now();
  try {
    const plan = planNotification(
      { config: context.config.config.notify, webhookUrl: findWebhookUrl(context.env, context.dotenv) },
      {
        event,
        project: path.basename(context.projectRoot),
        database: details.database,
        message: details.message,
        host: os.hostname(),
        time: new Date(started).toISOString(),
        dbsafeVersion: dbsafeVersion(),
      },
    );
    if (!plan) return;
    const jobs: Array<Promise<Delivery>> = [];
    const webhook = plan.webhook;
    if (webhook && !webhook.ok) {
      jobs.push(Promise.resolve({ channel: 'webhook', outcome: { ok: false, reason: webhook.problem }, warning: () => say.webhookInvalid(event, webhook.problem) }));
    } else if (webhook) {
      jobs.push(
        postWebhook(webhook.url, JSON.stringify(plan.payload), WEBHOOK_TIMEOUT_MS).then((outcome) => ({
          channel: say.webhookChannel(webhook.host),
          outcome,
          warning: (reason: string) => say.webhookFailed(event, webhook.host, reason),
        })),
      );
    }
    if (plan.command) {
      jobs.push(
        runNotifyCommand(plan.command.line, plan.command.env, context.projectRoot, COMMAND_TIMEOUT_MS).then((outcome) => ({
          channel: say.commandChannel,
          outcome,
          warning: (reason: string) => say.commandFailed(event, reason),
        })),
      );
    }
    for (const delivery of await Promise.all(jobs)) {
      if (!delivery.outcome.ok) writeStderr(`dbsafe: ${delivery.warning(delivery.outcome.reason)}\n`);
      record(context, event, plan.payload.database, delivery, started);
    }
  } catch (error) {
    writeStderr(`dbsafe: ${say.unexpected(event, error instanceof Error ? error.message : String(error))}\n`);
  }
}
