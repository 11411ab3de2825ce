import { NOTIFY_URL_VARIABLE } from './plan.js';

/** Every message about notifications. None of them repeats the webhook address: "the webhook (host)" at most. */
export const notifyMessages = {
  webhookFailed: (event: string, host: string, reason: string) =>
    `warning: the ${event} notification could not be delivered to the webhook (${host}): ${reason}. Check that ${NOTIFY_URL_VARIABLE} is the address your chat tool gave you and that this machine can reach it.`,
  webhookInvalid: (event: string, problem: string) =>
    `warning: the ${event} notification was not sent to the webhook: ${problem}. Set ${NOTIFY_URL_VARIABLE} to the https:// address of the webhook (in the project's .env or the environment).`,
  commandFailed: (event: string, reason: string) =>
    `warning: the ${event} notification command ("notify.command" in the dbsafe configuration) failed: ${reason}. Run it by hand with DBSAFE_MESSAGE=test set to see why.`,
  auditUnwritable: (reason: string) => `warning: the notification could not be recorded in the audit log (${reason}).`,
  unexpected: (event: string, reason: string) => `warning: the ${event} notification failed unexpectedly: ${reason}.`,
  webhookChannel: (host: string) => `webhook ${host}`,
  commandChannel: 'command',
} as const;
