import { appendFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, PG, type TestDatabase } from '../helpers/databases.js';
import { runCli } from '../helpers/cli.js';
import { makeProject, type TestProject } from '../run/project.js';

/** Every file under `dir`, as text (the audit log, manifests, consent records, state). */
function allText(dir: string): string {
  let text = '';
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return '';
  }
  for (const name of names) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) text += allText(file);
    else if (!/\.(dump|sql|archive|age|gz)$/.test(name)) text += `\n${file}:\n${readFileSync(file, 'utf8')}`;
  }
  return text;
}

const SECRETS = ['S3cretOne', 'S3cret Two', 'S3cret@Three:x', "S3cret'Four", 'S3cretFive', 'S3cretSix', 'S3cretSeven', 'S3cretEight'];

function expectNoSecret(text: string, where: string): void {
  for (const secret of SECRETS) {
    expect(text, `${where} holds "${secret}"`).not.toContain(secret);
    for (const part of secret.split(/[^A-Za-z0-9]+/).filter((p) => p.length >= 5)) expect(text, `${where} holds "${part}"`).not.toContain(part);
  }
}

let database: TestDatabase;
let project: TestProject;
beforeAll(() => {
  database = createPostgresDatabase();
});
afterAll(() => database.drop());
afterEach(() => project.cleanup());

describe('passwords on the command line are never shown or stored', () => {
  it('a refused command: not on screen, not in the audit log, not in the consent request', async () => {
    project = makeProject();
    project.env.DATABASE_URL = 'postgres://app@db.example.com/app_dev';
    const argv = ['env', `PGPASSWORD=${SECRETS[0]}`, 'mysql', '-h', 'db.example.com', '-u', 'root', `-p${SECRETS[1]}`, `--db-password=${SECRETS[2]}`, 'shop'];
    const result = await project.run(['run', '--', ...argv]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('refused');
    expect(result.stderr).toContain('mysql -h db.example.com -u root -p******** --db-password=******** shop');
    expectNoSecret(result.stdout + result.stderr, 'the output');
    const stored = allText(path.join(project.dir, 'backups')) + allText(project.state);
    expect(stored).toContain('"decision":"refused"');
    expectNoSecret(stored, 'the audit log or the state directory');

    const listed = await project.run(['audit']);
    expectNoSecret(listed.stdout + listed.stderr, 'dbsafe audit');
  });

  it('a guarded command that ran: not in the audit log, not in the backup manifest, not on screen', async () => {
    project = makeProject();
    project.env.DATABASE_URL = database.url;
    const conninfo = `host=${PG.host} user=${PG.user} password='${SECRETS[3]!.replace(/'/g, "\\'")}' dbname=${database.name}`;
    const argv = ['env', `MYSQL_PWD=${SECRETS[4]}`, `PGPASSWORD=${SECRETS[5]}`, 'psql', conninfo, '-qAt', '-c', 'select 1'];
    const result = await project.run(['run', '--', ...argv]);
    expect(result.stderr).toContain('snapshot of');
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe('1');
    expectNoSecret(result.stdout + result.stderr, 'the output');
    const stored = allText(path.join(project.dir, 'backups')) + allText(project.state);
    expect(stored).toMatch(/"trigger": "dbsafe run: env MYSQL_PWD=\*{8} PGPASSWORD=\*{8} psql/);
    expect(stored).toContain('"decision":"allowed"');
    expectNoSecret(stored, 'the audit log, the manifest or the state directory');

    // A manifest and an audit line written by an older dbsafe, with the password in clear: shown masked.
    const backups = path.join(project.dir, 'backups');
    const manifestFile = readdirSync(backups).find((name) => name.endsWith('.json'))!;
    const manifest = JSON.parse(readFileSync(path.join(backups, manifestFile), 'utf8')) as Record<string, unknown>;
    writeFileSync(path.join(backups, manifestFile), JSON.stringify({ ...manifest, trigger: `dbsafe run: mysql -p${SECRETS[0]} shop` }));
    const oldLine = { time: new Date().toISOString(), operation: 'run', decision: 'allowed', rule: null, target: null, command: `mongosh --password ${SECRETS[6]}`, backupId: null, exitCode: 0, durationMs: 1, user: 'u', host: 'h', cwd: project.dir, agent: null };
    appendFileSync(path.join(backups, 'audit.log'), `${JSON.stringify(oldLine)}\n`);
    for (const args of [['list'], ['list', '--json'], ['audit'], ['audit', '--json']]) {
      const shown = await project.run(args);
      expect(shown.code).toBe(0);
      expect(shown.stdout).toMatch(/mysql -p\*{8} shop|mongosh --password \*{8}/);
      expectNoSecret(shown.stdout + shown.stderr, `dbsafe ${args.join(' ')}`);
    }
  });

  it('explain shows the command with its passwords masked, as text and as JSON', async () => {
    project = makeProject();
    const line = `mongosh -p '${SECRETS[6]}' "mongodb://admin:${SECRETS[7]}@127.0.0.1/app"`;
    for (const args of [['explain', line], ['explain', '--json', line], ['explain', '--', 'mongosh', '-p', SECRETS[6]!, `mongodb://admin:${SECRETS[7]}@127.0.0.1/app`]]) {
      const result = await project.run(args);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('mongosh -p ********');
      expectNoSecret(result.stdout + result.stderr, `dbsafe ${args.join(' ')}`);
    }
  });

  it('the agent hook: a blocked command is shown to the agent with its passwords masked', async () => {
    project = makeProject();
    writeFileSync(path.join(project.dir, '.env'), 'DATABASE_URL=postgres://app@db.example.com/app_dev\n');
    const command = `MYSQL_PWD='${SECRETS[1]}' mysql -u root -p${SECRETS[0]} shop < seed.sql`;
    const input = JSON.stringify({ session_id: 's', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command }, cwd: project.dir });
    const result = await runCli(['agent-hook', '--format', 'claude'], { cwd: project.dir, env: { ...project.env, CLAUDECODE: '1' }, input });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('mysql -u root -p******** shop');
    expectNoSecret(result.stdout + result.stderr, 'the agent hook answer');
    expectNoSecret(allText(path.join(project.dir, 'backups')) + allText(project.state), 'the audit log or the state directory');
  });
});
