import { execFileSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';
import { makeProject, type TestProject } from './project.js';

// The README walkthrough of examples/sqlite-app, for real: seed, check, a
// guarded `npm test` that wipes the data, restore.
let project: TestProject;
beforeAll(() => {
  project = makeProject();
  cpSync(path.join(REPO_ROOT, 'examples/sqlite-app'), project.dir, { recursive: true, filter: (source) => !/\/(data|backups)$/.test(source) });
});
afterAll(() => project.cleanup());

// The package.json scripts are `node <script>.js`; running node directly spares npm's start-up.
const npm = (script: string): string => execFileSync(process.execPath, [`${script}.js`], { cwd: project.dir, env: project.env, encoding: 'utf8' }).trim();

describe('examples/sqlite-app walkthrough', () => {
  it('seeds its database and dbsafe check judges it safe', async () => {
    expect(npm('seed')).toBe('seeded 3 customers');
    const check = await project.run(['check']);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/file\s+data\/app\.db\s+DATABASE_URL in \.env/);
    expect(check.stdout).toContain('SAFE');
  });

  it('backs up before npm test wipes the data, and dbsafe restore latest brings it back', async () => {
    expect(npm('seed')).toBe('seeded 3 customers');
    const run = await project.run(['run', '--', 'npm', 'test']);
    expect(run.code).toBe(0);
    // The default for a guarded command, auto: a snapshot of the file, kept beside it.
    expect(run.stderr).toMatch(/^dbsafe: snapshot of app\.db → app_\d{8}_\d{6} \(beside the database file, \d+\.\d s; dbsafe undo or dbsafe restore app_\d{8}_\d{6} brings it back\)\n/);
    expect(run.stdout).toContain('1 test passed');
    expect(npm('count')).toBe('1 customers: Test User');

    const restore = await project.run(['restore', 'latest', '--yes']);
    expect(restore.code).toBe(0);
    expect(npm('count')).toBe('3 customers: Ada, Grace, Linus');

    const audit = await project.run(['audit']);
    expect(audit.stdout).toMatch(/run\s+allowed\s+0\s+app_\d{8}_\d{6}/);
  });

  it('is refused when DATABASE_URL names a production file', async () => {
    const check = await project.run(['check'], { DATABASE_URL: 'sqlite:./data/app_prod.db' });
    expect(check.code).toBe(3);
  });
});
