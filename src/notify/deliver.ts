import { spawn } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import { NOTIFY_URL_VARIABLE } from './plan.js';

/** How one channel went. `reason` never contains the webhook address. */
export type DeliveryOutcome = { ok: true } | { ok: false; reason: string };

function networkReason(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'the connection was refused (nothing listens at that address)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'its host name does not resolve';
    case 'ECONNRESET':
      return 'the server closed the connection';
    default:
      // Node's network errors name the host and port at most, never the path holding the token.
      return error.code ? `${error.code} ${error.message.replace(/https?:\/\/\S+/g, 'the webhook')}` : 'the request failed';
  }
}

/**
 * POST `body` to the webhook, giving up after `timeoutMs` in all (connect,
 * send, answer). No redirects are followed and no connection is kept alive,
 * so nothing holds the process open after the answer.
 */
export function postWebhook(url: URL, body: string, timeoutMs: number): Promise<DeliveryOutcome> {
  const request = (url.protocol === 'https:' ? https : http).request(url, {
    method: 'POST',
    agent: false,
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'dbsafe' },
  });
  return firstOutcome(timeoutMs, `no answer within ${timeoutMs / 1000} s`, () => request.destroy(), (settle) => {
    request.on('response', (response) => {
      response.resume();
      const status = response.statusCode ?? 0;
      settle(status >= 200 && status < 300 ? { ok: true } : { ok: false, reason: `it answered HTTP ${status}${response.statusMessage ? ` ${response.statusMessage}` : ''}` });
      response.on('end', () => request.destroy());
    });
    request.on('error', (error: NodeJS.ErrnoException) => settle({ ok: false, reason: networkReason(error) }));
    request.end(body);
  });
}

/**
 * The first outcome `work` reports, or a failure saying `timeoutReason` once
 * `timeoutMs` has passed (then `onTimeout` stops the work). Later reports are ignored.
 */
function firstOutcome(
  timeoutMs: number,
  timeoutReason: string,
  onTimeout: () => void,
  work: (settle: (outcome: DeliveryOutcome) => void) => void,
): Promise<DeliveryOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: DeliveryOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const timer = setTimeout(() => {
      settle({ ok: false, reason: timeoutReason });
      onTimeout();
    }, timeoutMs);
    work(settle);
  });
}

/**
 * Run the user's notify command with /bin/sh. The details travel only in
 * environment variables, never in the command text, so a message holding
 * `$(...)` or quotes is data, not code. Its output goes to stderr (stdout may
 * be JSON for a script); it is stopped, with anything it started, after `timeoutMs`.
 */
export function runNotifyCommand(line: string, vars: Record<string, string>, cwd: string, timeoutMs: number): Promise<DeliveryOutcome> {
  // The command does not need the webhook's secret address, so a command that logs its environment cannot leak it.
  const env: NodeJS.ProcessEnv = { ...process.env, ...vars };
  delete env[NOTIFY_URL_VARIABLE];
  const child = spawn('/bin/sh', ['-c', line], { cwd, env, stdio: ['ignore', 2, 2], detached: true });
  const stopAll = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  return firstOutcome(timeoutMs, `it did not finish within ${timeoutMs / 1000} s and was stopped`, stopAll, (settle) => {
    child.on('error', (error) => settle({ ok: false, reason: `/bin/sh could not start it (${error.message})` }));
    child.on('exit', (code, signal) => {
      if (code === 0) settle({ ok: true });
      else settle({ ok: false, reason: signal ? `it was stopped by ${signal}` : `it exited with code ${code}` });
    });
  });
}
