import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

let project: { dir: string; cleanup: () => void };
beforeAll(() => {
  project = tempDir();
  writeFileSync(path.join(project.dir, 'package.json'), JSON.stringify({ scripts: { build: 'tsc', 'db:fresh': 'knex migrate:rollback --all && knex migrate:latest' } }));
});
afterAll(() => project.cleanup());

describe('dbsafe explain', () => {
  it('says guarded, the rule and why, and exits 0', async () => {
    const run = await runCli(['explain', '--', 'npx prisma migrate reset'], { cwd: project.dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      'npx prisma migrate reset\n  guarded — rule prisma-migrate: applies, resets or rewrites migrations in the database (reset drops every table).\n  dbsafe checks the database is not production and backs it up before this runs.\n',
    );
  });

  it('says not guarded with the way to guard it, and exits 0', async () => {
    const run = await runCli(['explain', '--', 'npm run build'], { cwd: project.dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('not guarded — rule script-safe: script "build" runs nothing that touches a database.');
    expect(run.stdout).toContain('add it to "commands.guard" in dbsafe.config.json');
  });

  it('lists each part of a compound line', async () => {
    const run = await runCli(['explain', '--', 'npm run build && npm run db:fresh'], { cwd: project.dir });
    expect(run.stdout).toContain('guarded — rule knex-migrate');
    expect(run.stdout).toContain('  pass     npm run build  (script-safe)');
    expect(run.stdout).toContain('  guarded  npm run db:fresh  (knex-migrate)');
  });

  it('treats several arguments as an argv and quotes them back for display', async () => {
    const run = await runCli(['explain', '--json', '--', 'bash', '-c', 'cd /tmp && rails db:drop'], { cwd: project.dir });
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ command: "bash -c 'cd /tmp && rails db:drop'", guarded: true, rule: 'rails-db' });
    expect(json.segments).toEqual([{ text: "bash -c 'cd /tmp && rails db:drop'", argv: ['bash', '-c', 'cd /tmp && rails db:drop'], guarded: true, rule: 'rails-db', reason: json.reason, kind: 'migration' }]);
  });

  it('prints {guarded, rule, reason, segments} for scripts', async () => {
    const run = await runCli(['explain', '--json', '--', 'git status; psql -c "select 1"'], { cwd: project.dir });
    const json = JSON.parse(run.stdout) as { guarded: boolean; rule: string; reason: string; segments: { text: string; guarded: boolean; rule: string; reason: string }[] };
    expect(json.guarded).toBe(true);
    expect(json.rule).toBe('sql-client-statement');
    expect(json.segments.map((s) => [s.text, s.guarded, s.rule])).toEqual([
      ['git status', false, 'no-rule'],
      ['psql -c "select 1"', true, 'sql-client-statement'],
    ]);
  });

  it('exits 2 with an example when there is no command', async () => {
    for (const args of [['explain'], ['explain', '--', '   ']]) {
      const run = await runCli(args, { cwd: project.dir });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('no command given. Put the command after `--`, e.g. `dbsafe explain -- npm test`');
    }
  });

  it('--batch reads all of a large stdin, whose multi-byte characters straddle read boundaries', async () => {
    const commands = Array.from({ length: 8000 }, (_, i) => (i % 2 === 0 ? `echo 'Zoë 北京 🚀 ${i}'` : `psql -c 'select ${i}' -d ünïcödé`));
    const input = `${commands.map((command) => JSON.stringify(command)).join('\n')}\n`;
    expect(Buffer.byteLength(input)).toBeGreaterThan(3 * 64 * 1024);
    const run = await runCli(['explain', '--batch'], { cwd: project.dir, input });
    expect(run.code).toBe(0);
    const answers = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { command: string; guarded: boolean });
    expect(answers.map((answer) => answer.command)).toEqual(commands);
    expect(answers.map((answer) => answer.guarded)).toEqual(commands.map((_, i) => i % 2 === 1));
  });

  it('--batch answers one JSON line per command, and rejects a line that is not JSON', async () => {
    const ok = await runCli(['explain', '--batch'], { cwd: project.dir, input: `${JSON.stringify('npm run build')}\n${JSON.stringify(['rails', 'db:drop'])}\n` });
    expect(ok.code).toBe(0);
    expect(ok.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { rule: string }).rule)).toEqual(['script-safe', 'rails-db']);
    const bad = await runCli(['explain', '--batch'], { cwd: project.dir, input: 'npm test\n' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--batch reads one JSON value per line');
  });
});
