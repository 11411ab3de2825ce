import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { installBuiltDbsafe, runCli, tempDir } from '../helpers/cli.js';
import { TmuxShell } from '../helpers/terminal.js';
import { CORPUS_FILES, CORPUS_SCRIPTS, DECISION_CORPUS } from './decision-corpus.js';

/**
 * Issue #11, "Done when": the shell functions (a real interactive bash and
 * zsh), the PATH shims, the npm pre-scripts and the agent hook back up
 * exactly the corpus lines `dbsafe explain --json` calls guarded, in a real
 * project with a SQLite database.
 */

let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.reverse()) cleanup();
  cleanups = [];
});

function corpusProject(options: { preScripts?: boolean } = {}) {
  const { dir, cleanup } = tempDir('dbsafe-corpus-');
  cleanups.push(cleanup);
  const home = path.join(dir, 'home');
  const project = path.join(dir, 'app');
  for (const d of [home, path.join(project, 'node_modules/.bin')]) mkdirSync(d, { recursive: true });
  const scripts: Record<string, string> = { ...CORPUS_SCRIPTS };
  if (options.preScripts) for (const name of Object.keys(CORPUS_SCRIPTS)) scripts[`pre${name}`] = 'dbsafe guard';
  // File backups: this test is about which lines are guarded; SQLite snapshots would leave background standby copies writing as the directory is removed.
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'corpus-app', private: true, scripts, dbsafe: { retention: 100, mode: 'dump' } }, null, 2));
  for (const [file, { text, mode }] of Object.entries(CORPUS_FILES)) {
    writeFileSync(path.join(project, file), text);
    if (mode) chmodSync(path.join(project, file), mode);
  }
  writeFileSync(path.join(project, '.env'), 'DATABASE_URL=sqlite:./app.db\n');
  spawnSync('sqlite3', [path.join(project, 'app.db'), 'CREATE TABLE orders (id integer primary key); INSERT INTO orders VALUES (1);']);
  installBuiltDbsafe(project);
  const env = {
    HOME: home,
    XDG_STATE_HOME: path.join(dir, 'state'),
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    NO_COLOR: '1',
    // `psql -l` lists the databases of the shared test server.
    PGHOST: '127.0.0.1',
    PGUSER: 'postgres',
  };
  const backups = () => readdirSync(path.join(project, 'backups'), { withFileTypes: true }).filter((f) => f.isFile() && f.name.startsWith('app_') && !f.name.endsWith('.json')).length;
  const count = () => {
    try {
      return backups();
    } catch {
      return 0;
    }
  };
  return { dir, home, project, env, count };
}

/** What `dbsafe explain --json` says of every corpus line, in the corpus project. */
async function explainAll(project: string, env: Record<string, string>): Promise<Map<string, boolean>> {
  const decisions = new Map<string, boolean>();
  for (const { line } of DECISION_CORPUS) {
    const result = await runCli(['explain', '--json', '--', line], { cwd: project, env });
    expect(result.code, result.stderr).toBe(0);
    decisions.set(line, (JSON.parse(result.stdout) as { guarded: boolean }).guarded);
  }
  const guarded = [...decisions.values()].filter(Boolean).length;
  expect(decisions.size - guarded, 'the corpus needs at least 10 lines the rules call safe').toBeGreaterThanOrEqual(10);
  expect(guarded, 'and at least 3 they guard').toBeGreaterThanOrEqual(3);
  return decisions;
}

/** Runs each line with `runLine` and records which took a backup; compared whole, so a failure lists every disagreement. */
async function observe(lines: readonly string[], count: () => number, runLine: (line: string) => Promise<void> | void): Promise<Record<string, boolean>> {
  const backedUp: Record<string, boolean> = {};
  for (const line of lines) {
    const before = count();
    await runLine(line);
    const taken = count() - before;
    expect(taken, `${line} took ${taken} backups`).toBeLessThanOrEqual(1);
    backedUp[line] = taken === 1;
  }
  return backedUp;
}

const expected = (decisions: Map<string, boolean>, lines: readonly string[]) => Object.fromEntries(lines.map((line) => [line, decisions.get(line)!]));
const ALL = DECISION_CORPUS.map((entry) => entry.line);

describe.each([
  ['bash', ['bash', '--noprofile', '-i']],
  ['zsh', ['zsh', '-i']],
] as const)('interactive %s with the shell functions', (shell, argv) => {
  it('backs up exactly the corpus lines dbsafe explain calls guarded', async () => {
    const t = corpusProject();
    const installed = await runCli(['install', `--shell=${shell}`], { cwd: t.project, env: t.env });
    expect(installed.code, installed.stderr).toBe(0);
    const decisions = await explainAll(t.project, t.env);
    const terminal = TmuxShell.start([...argv], { cwd: t.project, env: { ...t.env, TERM: 'xterm-256color', HISTFILE: '' } });
    cleanups.push(() => terminal.stop());
    await terminal.waitForPrompt();
    let step = 0;
    const log = path.join(t.dir, 'terminal.log');
    const observed = await observe(ALL, t.count, async (line) => {
      const done = path.join(t.dir, `done-${++step}`);
      terminal.type(`${line} >> ${log} 2>&1; echo $? > ${done}`);
      await terminal.waitForFile(done);
    });
    expect(observed, readFileSync(log, 'utf8')).toEqual(expected(decisions, ALL));
    expect(readFileSync(log, 'utf8')).toContain('corpus-test-ran');
  });
});

describe('the same corpus through the other integrations', () => {
  it('PATH shims (non-interactive sh): backups exactly where dbsafe explain says guarded', async () => {
    const t = corpusProject();
    const installed = await runCli(['install', '--shims'], { cwd: t.project, env: t.env });
    expect(installed.code, installed.stderr).toBe(0);
    const decisions = await explainAll(t.project, t.env);
    const shimDir = path.join(t.home, '.local/share/dbsafe/shims');
    const observed = await observe(ALL, t.count, (line) => {
      const ran = spawnSync('sh', ['-c', line], { cwd: t.project, env: { ...t.env, PATH: `${shimDir}:${t.env.PATH}` }, encoding: 'utf8' });
      expect([0, 1], `${line}: ${ran.stderr}`).toContain(ran.status);
    });
    expect(observed).toEqual(expected(decisions, ALL));
  });

  it('npm pre-scripts (`dbsafe guard` in a pre script of every script): backups exactly where dbsafe explain says guarded', async () => {
    const t = corpusProject({ preScripts: true });
    const decisions = await explainAll(t.project, t.env);
    const npmLines = DECISION_CORPUS.filter((entry) => entry.npm).map((entry) => entry.line);
    const observed = await observe(npmLines, t.count, (line) => {
      const ran = spawnSync('sh', ['-c', line], { cwd: t.project, env: t.env, encoding: 'utf8' });
      expect(ran.status, `${line}: ${ran.stderr}`).toBe(0);
    });
    expect(observed).toEqual(expected(decisions, npmLines));
  });

  it.each(['claude', 'cursor'] as const)('the %s agent hook: it backs up exactly where dbsafe explain says guarded, and allows every line', async (agent) => {
    const t = corpusProject();
    const decisions = await explainAll(t.project, t.env);
    const observed = await observe(ALL, t.count, async (line) => {
      const call = agent === 'claude' ? { hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: line }, cwd: t.project } : { hook_event_name: 'beforeShellExecution', command: line, cwd: t.project };
      const answer = await runCli(['agent-hook', '--format', agent], { cwd: t.project, env: { ...t.env, CLAUDECODE: '1' }, input: JSON.stringify(call) });
      expect(answer.code, answer.stderr).toBe(0);
      if (agent === 'cursor') expect(JSON.parse(answer.stdout)).toEqual({ permission: 'allow' });
    });
    expect(observed).toEqual(expected(decisions, ALL));
  });
});
