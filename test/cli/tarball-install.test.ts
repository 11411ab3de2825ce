import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, testDir } from '../helpers/cli.js';

/**
 * The way to install dbsafe until it is published (README "Install"): pack
 * this checkout and install the tarball into a project. Slow (npm fetches
 * the dependencies), so one test. It packs the dist/ the suite already built
 * (--ignore-scripts: no rebuild under the other tests' feet).
 */
describe('installing from a tarball', () => {
  it('npm pack output installs into a fresh project, and npx dbsafe --version and check work there', { timeout: 240_000 }, () => {
    const root = testDir('dbsafe-tarball-');
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: root, XDG_STATE_HOME: path.join(root, 'state'), npm_config_update_notifier: 'false', NO_COLOR: '1' };
    execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', root], { cwd: REPO_ROOT, env, stdio: 'pipe' });
    const { version } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const tarball = `dbsafe-${version}.tgz`;
    expect(readdirSync(root)).toContain(tarball);

    const project = path.join(root, 'app');
    execFileSync('mkdir', [project]);
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'fresh-app', private: true, scripts: { test: 'node -e ""' } }, null, 2));
    execFileSync('sqlite3', [path.join(project, 'dev.db'), 'CREATE TABLE t (id int);']);
    const installed = spawnSync('npm', ['install', '--save-dev', '--no-audit', '--no-fund', `../${tarball}`], { cwd: project, env, encoding: 'utf8' });
    expect(installed.status, installed.stderr).toBe(0);
    const pkg = JSON.parse(readFileSync(path.join(project, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    expect(pkg.devDependencies.dbsafe).toBe(`file:../${tarball}`);

    const npx = (args: string[], extra: Record<string, string> = {}) => spawnSync('npx', ['--no-install', 'dbsafe', ...args], { cwd: project, env: { ...env, ...extra }, encoding: 'utf8' });
    const versionRun = npx(['--version']);
    expect(versionRun.status, versionRun.stderr).toBe(0);
    expect(versionRun.stdout.trim()).toBe(version);
    const check = npx(['check'], { DATABASE_URL: 'sqlite:./dev.db' });
    expect(check.status, check.stderr).toBe(0);
    expect(check.stdout).toContain('SAFE: every database named is a development database.');
    // The shell parser's grammar ships in the installed packages: a line that needs it is classified.
    const explain = npx(['explain', '--', 'FOO=$(date) bash -c "npm test"']);
    expect(explain.status, explain.stderr).toBe(0);
    expect(explain.stdout).toContain('guarded');
  });
});

/** Every file under a directory of the repository, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

describe('what dbsafe tells people to install', () => {
  it('never sends them to the registry package or a web page that does not exist yet', () => {
    const files = [...['src', 'shell', 'hooks'].flatMap((dir) => filesUnder(path.join(REPO_ROOT, dir))), path.join(REPO_ROOT, 'install.ts')];
    const dead = [/npm (?:install|i)(?: -D| --save-dev| -g)? dbsafe(?![\w./-])/, /dbsafe@latest/, /npmjs\.com\/package\/dbsafe/];
    const found = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => dead.some((pattern) => pattern.test(line)))
        .map((line) => `${path.relative(REPO_ROOT, file)}: ${line.trim()}`),
    );
    expect(found).toEqual([]);
  });
});
