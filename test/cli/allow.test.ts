import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readAuditLog } from '../../src/audit/log.js';
import { issueConsentRequest } from '../../src/consent/store.js';
import { CLI, runCollecting, tempDir } from '../helpers/cli.js';
import { allowOnTerminal as terminalAllow, DETACHED } from '../consent/terminal.js';

/** `dbsafe ARGS` outside the test runner's process tree (an agent running the suite is not an ancestor), stdin piped. */
const runCli = (args: string[], options: { cwd: string; env: Record<string, string>; input?: string }) =>
  runCollecting('python3', [DETACHED, process.execPath, CLI, ...args], options);

let state: ReturnType<typeof tempDir>;
let env: Record<string, string>;
beforeEach(() => {
  state = tempDir('dbsafe-allow-');
  env = { XDG_STATE_HOME: state.dir, HOME: state.dir, PATH: process.env.PATH ?? '/usr/bin:/bin', NO_COLOR: '1', TERM: 'dumb' };
});
afterEach(() => state.cleanup());

const auditFile = () => path.join(state.dir, 'project/backups/audit.log');
const consentDir = () => path.join(state.dir, '.local/state/dbsafe/consent');

function pending(issuedAt = Date.now(), binding = 'deadbeef', database = 'shop_prod') {
  return issueConsentRequest(
    env,
    {
      binding,
      command: 'npm test',
      target: `PostgreSQL ${database} on db.example.com:5432 (DATABASE_URL)`,
      confirmWord: database,
      cwd: '/project',
      reason: 'the database name shop_prod contains the production word "prod"',
      auditLog: auditFile(),
    },
    issuedAt,
  );
}

const allowOnTerminal = (code: string | null, answer: string, extraEnv: Record<string, string> = {}, choice?: string) =>
  terminalAllow(code, answer, { cwd: state.dir, env: { ...env, ...extraEnv }, choice });

describe('dbsafe allow', () => {
  it('lets a human at a terminal allow a refused command once, after typing the database name', async () => {
    const request = pending();
    const result = await allowOnTerminal(request.code.toLowerCase(), 'shop_prod');
    expect(result.output).toContain('command:   npm test');
    expect(result.output).toContain('shop_prod on db.example.com');
    expect(result.output).toContain('Allowed once');
    expect(result.code).toBe(0);
    expect(existsSync(path.join(consentDir(), 'allowed-deadbeef.json'))).toBe(true);
    const [entry] = readAuditLog(auditFile()).entries;
    expect(entry).toMatchObject({ operation: 'allow', decision: 'consent-granted', command: 'npm test', agent: null });
    expect(entry?.rule).toContain(request.code);
  });

  it('without a code, shows the one pending request (command, database, reason, age) and allows it after the database name', async () => {
    const request = pending(Date.now() - 90_000);
    const result = await allowOnTerminal(null, 'shop_prod');
    expect(result.output).toContain('command:   npm test');
    expect(result.output).toContain('refused:   the database name shop_prod');
    expect(result.output).toMatch(/refused 2 min ago|refused 1 min ago/);
    expect(result.output).toContain('Allowed once');
    expect(result.code).toBe(0);
    expect(existsSync(path.join(consentDir(), 'allowed-deadbeef.json'))).toBe(true);
    expect(readAuditLog(auditFile()).entries[0]?.rule).toContain(request.code);
  });

  it('without a code and several requests pending, lists them and allows the one chosen, after its database name', async () => {
    pending(Date.now() - 60_000, 'first', 'orders_prod');
    pending(Date.now(), 'second', 'shop_prod');
    const result = await allowOnTerminal(null, 'orders_prod', {}, '2');
    expect(result.output).toContain('2 refused commands are waiting');
    expect(result.output).toContain('orders_prod on db.example.com');
    expect(result.code).toBe(0);
    expect(existsSync(path.join(consentDir(), 'allowed-first.json'))).toBe(true);
    expect(existsSync(path.join(consentDir(), 'allowed-second.json'))).toBe(false);
  });

  it('without a code and nothing pending, says so and allows nothing', async () => {
    const result = await allowOnTerminal(null, 'shop_prod');
    expect(result.code).toBe(1);
    expect(result.output).toContain('No refused command is waiting for consent');
  });

  it('allows nothing when the confirmation is mistyped', async () => {
    const request = pending();
    const result = await allowOnTerminal(request.code, 'shop_dev');
    expect(result.code).toBe(3);
    expect(result.output).toContain('nothing was allowed');
    expect(existsSync(path.join(consentDir(), 'allowed-deadbeef.json'))).toBe(false);
    expect(readAuditLog(auditFile()).entries[0]).toMatchObject({ decision: 'consent-refused', rule: 'confirmation mistyped' });
  });

  it.each<Record<string, string>>([{ CLAUDECODE: '1' }, { CODEX_SANDBOX: 'seatbelt' }, { CURSOR_AGENT: '1' }, { AI_AGENT: 'some-agent' }])(
    'refuses on a terminal when an agent is detected (%j)',
    async (agentEnv) => {
      const request = pending();
      const result = await allowOnTerminal(request.code, 'shop_prod', agentEnv);
      expect(result.code).toBe(3);
      expect(result.output).toContain('consent has to come from a human');
      expect(result.output).not.toContain('Allowed once');
      expect(existsSync(path.join(consentDir(), 'allowed-deadbeef.json'))).toBe(false);
      const [entry] = readAuditLog(auditFile()).entries;
      expect(entry?.decision).toBe('consent-refused');
      expect(entry?.agent).toContain(Object.keys(agentEnv)[0]);
    },
  );

  it('refuses without a terminal (piped stdin and stdout), even with the right answer piped in', async () => {
    const request = pending();
    const result = await runCli(['allow', request.code], { cwd: state.dir, env, input: 'shop_prod\n' });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('must be typed by a person at a terminal');
    expect(existsSync(path.join(consentDir(), 'allowed-deadbeef.json'))).toBe(false);
  });

  it('refuses an expired code and an unknown one', async () => {
    const expired = pending(Date.now() - 6 * 60 * 1000);
    const late = await allowOnTerminal(expired.code, 'shop_prod');
    expect(late.code).toBe(3);
    expect(late.output).toContain('has expired');
    const unknown = await allowOnTerminal('AAAAAA', 'shop_prod');
    expect(unknown.code).toBe(3);
    expect(unknown.output).toContain('No pending refusal has the code AAAAAA');
    expect(existsSync(path.join(consentDir(), 'allowed-deadbeef.json'))).toBe(false);
  });

  it('grants nothing when the override cannot be recorded in the audit log', async () => {
    const blocker = path.join(state.dir, 'project');
    writeFileSync(blocker, 'a file where the project directory should be');
    const request = pending();
    const result = await allowOnTerminal(request.code, 'shop_prod');
    expect(result.code).toBe(1);
    expect(result.output).toContain('Nothing was allowed: the override could not be recorded');
    expect(existsSync(path.join(consentDir(), 'allowed-deadbeef.json'))).toBe(false);
  });

  it('cannot allow the same code twice', async () => {
    const request = pending();
    expect((await allowOnTerminal(request.code, 'shop_prod')).code).toBe(0);
    const again = await allowOnTerminal(request.code, 'shop_prod');
    expect(again.code).toBe(3);
    expect(again.output).toContain('already used');
  });

  it('rejects text that cannot be a code with a usage error', async () => {
    const result = await runCli(['allow', 'hello!'], { cwd: state.dir, env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not a dbsafe consent code');
  });
});
