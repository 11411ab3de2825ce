import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, installBuiltDbsafe, runCli, tempDir } from '../helpers/cli.js';
import { git } from '../helpers/install.js';

let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
});

/** A project with dbsafe installed the way npm installs it: node_modules/.bin/dbsafe runs the real, built CLI. */
async function repository(options: { existingHuskyHook?: string } = {}) {
  const { dir, cleanup } = tempDir('dbsafe-hooks-');
  cleanups.push(cleanup);
  const home = path.join(dir, 'home');
  const repo = path.join(dir, 'repo');
  mkdirSync(home);
  installBuiltDbsafe(repo);
  writeFileSync(path.join(repo, '.gitignore'), 'node_modules/\n');
  writeFileSync(path.join(repo, 'package.json'), `${JSON.stringify({ name: 'shop', devDependencies: { dbsafe: '*' } }, null, 2)}\n`);
  expect(git(repo, ['init', '-q', '-b', 'main']).status).toBe(0);
  if (options.existingHuskyHook) {
    mkdirSync(path.join(repo, '.husky'));
    writeFileSync(path.join(repo, '.husky', 'pre-commit'), options.existingHuskyHook);
  }
  const installed = await runCli(['install', '--hooks'], { cwd: repo, env: { HOME: home } });
  expect(installed.code, installed.stderr).toBe(0);
  const env = { HOME: home, PATH: process.env.PATH ?? '', NO_COLOR: '1' };
  git(repo, ['add', '.'], env);
  expect(git(repo, ['commit', '-q', '-m', 'start'], env).status).toBe(0);
  const commit = (files: Record<string, string>, extraEnv: Record<string, string> = {}) => {
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
      writeFileSync(path.join(repo, file), text);
    }
    git(repo, ['add', '-f', ...Object.keys(files)], env);
    return git(repo, ['commit', '-m', 'change'], { ...env, ...extraEnv });
  };
  return { dir, repo, home, env, commit };
}

describe('git pre-commit hook (husky + lint-staged)', () => {
  it('refuses a file under backups/ and a dump file, naming each and the fix', async () => {
    const r = await repository();
    const result = r.commit({ 'backups/shop_20260101_120000.dump': 'PGDMP', 'exports/orders.sql.gz': 'x' });
    expect(result.status).not.toBe(0);
    const output = result.stdout + result.stderr;
    expect(output).toContain('backups/shop_20260101_120000.dump: it is inside the backup directory (backups/)');
    expect(output).toContain('exports/orders.sql.gz: it looks like a compressed SQL dump');
    expect(output).toContain('git restore --staged');
    expect(git(r.repo, ['log', '--oneline']).stdout.trim().split('\n')).toHaveLength(1);
  });

  it('refuses a .env naming a production database on a remote host; a local one commits', async () => {
    const r = await repository();
    const refused = r.commit({ '.env': 'DATABASE_URL=postgres://app:s3cret@db.prod.example.com:5432/shop_production\n' });
    expect(refused.status).not.toBe(0);
    expect(refused.stdout + refused.stderr).toContain('.env: The host "db.prod.example.com" is not local.');
    expect(refused.stdout + refused.stderr).toContain('.env: The database name "shop_production" contains the production word "production".');
    expect(refused.stdout + refused.stderr).not.toContain('s3cret');
    git(r.repo, ['reset', '-q'], r.env);
    const local = r.commit({ '.env': 'DATABASE_URL=postgres://postgres@127.0.0.1:5432/shop_dev\n', 'src/app.js': 'export {};\n' });
    expect(local.status, local.stderr).toBe(0);
  });

  it('runs `dbsafe check --offline` when a migration is staged: refused while .env points at production, fine once it points at a local database', async () => {
    const r = await repository();
    writeFileSync(path.join(r.repo, '.env'), 'DATABASE_URL=postgres://app@db.prod.example.com/shop\n');
    const refused = r.commit({ 'prisma/migrations/20260101_init/migration.sql': 'CREATE TABLE t (id int);\n' });
    expect(refused.status).not.toBe(0);
    expect(refused.stdout + refused.stderr).toContain('migrations are staged and `dbsafe check --offline` did not pass');
    writeFileSync(path.join(r.repo, '.env'), 'DATABASE_URL=postgres://postgres@127.0.0.1:5432/shop_dev\n');
    const allowed = git(r.repo, ['commit', '-m', 'migration'], r.env);
    expect(allowed.status, allowed.stdout + allowed.stderr).toBe(0);
  });

  it('DBSAFE=0 and HUSKY=0 are the documented escape hatches', async () => {
    const r = await repository();
    expect(r.commit({ 'backups/a.dump': 'x' }, { DBSAFE: '0' }).status).toBe(0);
    const audit = readFileSync(path.join(r.repo, 'backups', 'audit.log'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(audit.at(-1)).toMatchObject({ operation: 'hook pre-commit', decision: 'integrations-disabled', command: 'git commit' });
    expect(r.commit({ 'backups/b.dump': 'x' }, { HUSKY: '0' }).status).toBe(0);
    expect(r.commit({ 'backups/c.dump': 'x' }, { DBSAFE: '0', CLAUDECODE: '1' }).status).not.toBe(0);
  });

  it('an existing husky pre-commit hook keeps running, before dbsafe’s checks', async () => {
    const r = await repository({ existingHuskyHook: 'echo "$(date +%s)" >> "$HOME/lint-ran"\n' });
    const hook = readFileSync(path.join(r.repo, '.husky', 'pre-commit'), 'utf8');
    expect(hook.startsWith('echo "$(date +%s)" >> "$HOME/lint-ran"\n# >>> dbsafe >>>')).toBe(true);
    const runsBefore = readFileSync(path.join(r.home, 'lint-ran'), 'utf8').split('\n').length;
    expect(r.commit({ 'src/index.js': 'export {};\n' }).status).toBe(0);
    expect(readFileSync(path.join(r.home, 'lint-ran'), 'utf8').split('\n').length).toBe(runsBefore + 1);
    expect(r.commit({ 'db.backup': 'x' }).status).not.toBe(0);
    expect(existsSync(path.join(r.repo, '.husky', '_', 'pre-commit'))).toBe(true);
  });
});

describe('git hooks started by a GUI git client (bare PATH without node)', () => {
  /** The PATH a GUI app on macOS gives hooks: the tools git and husky need, no node (node lives under Homebrew, nvm or Volta there). */
  function guiPath(dir: string): string {
    const bin = path.join(dir, 'gui-bin');
    mkdirSync(bin);
    for (const tool of ['git', 'sh', 'basename', 'dirname', 'cat', 'sed', 'grep', 'env', 'date']) {
      const found = execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
      symlinkSync(found, path.join(bin, tool));
    }
    return bin;
  }

  it("husky's per-user init file points the hooks at the node dbsafe was installed with, and uninstall takes it away", async () => {
    const r = await repository();
    // As npm links it: node_modules/.bin/dbsafe is the CLI itself, started through `#!/usr/bin/env node`.
    const launcher = path.join(r.repo, 'node_modules', '.bin', 'dbsafe');
    rmSync(launcher);
    symlinkSync(CLI, launcher);
    const init = path.join(r.home, '.config', 'husky', 'init.sh');
    expect(readFileSync(init, 'utf8')).toContain(`command -v node >/dev/null 2>&1 || PATH='${path.dirname(process.execPath)}':$PATH`);
    const env = { ...r.env, PATH: guiPath(r.dir) };
    expect(r.commit({ 'backups/a.dump': 'x' }, env).status).not.toBe(0);
    git(r.repo, ['reset', '-q'], r.env);
    const ok = r.commit({ 'src/app.js': 'export {};\n' }, env);
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);

    // Without the init file the same commit fails: the hook cannot start node.
    writeFileSync(init, '');
    const broken = r.commit({ 'src/other.js': 'export {};\n' }, env);
    expect(broken.status).not.toBe(0);
    expect(broken.stdout + broken.stderr).toMatch(/node/);

    rmSync(init);
    await runCli(['install', '--hooks'], { cwd: r.repo, env: { HOME: r.home } });
    expect(readFileSync(init, 'utf8')).toContain('command -v node');
    expect((await runCli(['uninstall', '--hooks'], { cwd: r.repo, env: { HOME: r.home } })).code).toBe(0);
    expect(existsSync(init)).toBe(false);
    expect(existsSync(path.join(r.home, '.config'))).toBe(false);
  });
});
