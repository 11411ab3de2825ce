import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CLI, privateHome, REPO_ROOT, runCollecting, tempDir } from '../helpers/cli.js';
import { createPostgresDatabase, psql } from '../helpers/databases.js';

/**
 * The CI recipes of the README, run here: the YAML files are the ones the
 * README shows, and their commands run in order in a throw-away project
 * against a real PostgreSQL database, with a test suite that wipes a table
 * and fails. The backup the job would keep as an artifact must be there and
 * bring the data back. Two steps cannot run here and are skipped by name:
 * `npm ci` (the built dbsafe stands in for the installed package, through an
 * `npx` that runs it) and the runner's `apt-get install`.
 */

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

const RECIPES = path.join(REPO_ROOT, 'examples', 'ci');
const SKIPPED = [/^npm ci$/, /^apt-get /];

interface Recipe {
  commands: string[];
  databaseUrl: string;
  /** The directories the job keeps when it fails. */
  artifactPaths: string[];
}

function githubRecipe(): Recipe {
  const workflow = parse(readFileSync(path.join(RECIPES, 'github-actions.yml'), 'utf8')) as {
    jobs: { test: { env: { DATABASE_URL: string }; steps: Array<{ run?: string; if?: string; uses?: string; with?: { path?: string } }> } };
  };
  const job = workflow.jobs.test;
  const upload = job.steps.find((step) => step.uses?.startsWith('actions/upload-artifact'))!;
  expect(upload.if).toBe('failure()');
  return { commands: job.steps.flatMap((step) => (step.run ? [step.run] : [])), databaseUrl: job.env.DATABASE_URL, artifactPaths: [upload.with!.path!] };
}

function gitlabRecipe(): Recipe {
  const pipeline = parse(readFileSync(path.join(RECIPES, 'gitlab-ci.yml'), 'utf8')) as {
    test: { variables: { DATABASE_URL: string }; before_script: string[]; script: string[]; artifacts: { when: string; paths: string[] } };
  };
  expect(pipeline.test.artifacts.when).toBe('on_failure');
  return { commands: [...pipeline.test.before_script, ...pipeline.test.script], databaseUrl: pipeline.test.variables.DATABASE_URL, artifactPaths: pipeline.test.artifacts.paths };
}

/** A project whose seed fills a table and whose test suite empties it and fails. */
function failingProject(): string {
  const temp = tempDir('dbsafe-ci-');
  cleanups.push(temp.cleanup);
  const dir = temp.dir;
  execFileSync('git', ['init', '-q'], { cwd: dir });
  const pg = `const { execFileSync } = require('node:child_process');\nconst sql = (q) => execFileSync('psql', [process.env.DATABASE_URL, '-qtAc', q], { encoding: 'utf8' });\n`;
  writeFileSync(path.join(dir, 'seed.js'), `${pg}sql("CREATE TABLE IF NOT EXISTS customers (name text); INSERT INTO customers VALUES ('Ada'), ('Grace')");\n`);
  writeFileSync(path.join(dir, 'test.js'), `${pg}sql('DELETE FROM customers');\nconsole.error('1 test failed');\nprocess.exit(1);\n`);
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'ci-fixture', private: true, scripts: { seed: 'node seed.js', test: 'node test.js' }, dbsafe: { allowedHosts: ['postgres'] } }),
  );
  const bin = path.join(dir, '.bin');
  mkdirSync(bin);
  writeFileSync(path.join(bin, 'npx'), `#!/bin/sh\n[ "$1" = dbsafe ] || { echo "npx: only dbsafe here" >&2; exit 127; }\nshift\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(path.join(bin, 'npx'), 0o755);
  return dir;
}

/** The recipe's URL pointed at this machine's server and a database of this test's own. */
function localUrl(recipeUrl: string, database: string): string {
  const url = new URL(recipeUrl);
  url.hostname = '127.0.0.1';
  url.pathname = `/${database}`;
  return url.toString();
}

describe.each([
  ['GitHub Actions', githubRecipe],
  ['GitLab CI', gitlabRecipe],
])('the %s recipe, run locally', (_name, recipe) => {
  it('runs the tests through dbsafe; when they fail, the kept backup holds the data they destroyed', async () => {
    const { commands, databaseUrl, artifactPaths } = recipe();
    expect(commands.some((command) => command.startsWith('npx dbsafe run '))).toBe(true);
    const db = createPostgresDatabase();
    cleanups.push(() => db.drop());
    const dir = failingProject();
    const env = { PATH: `${path.join(dir, '.bin')}:${process.env.PATH ?? ''}`, ...privateHome(), NO_COLOR: '1', DATABASE_URL: localUrl(databaseUrl, db.name) };

    let failedAt: string | null = null;
    for (const command of commands.filter((c) => !SKIPPED.some((pattern) => pattern.test(c)))) {
      const result = await runCollecting('bash', ['-c', command], { cwd: dir, env });
      if (result.code !== 0) {
        failedAt = command;
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(/dbsafe: (?:backed up|snapshot of)/);
        expect(result.stderr).toContain('1 test failed');
        break;
      }
    }
    expect(failedAt).toMatch(/^npx dbsafe run /);
    expect(psql('SELECT count(*) FROM customers', db.name)).toBe('0');

    // What the job keeps: the backup and its manifest, labelled with the run.
    const kept = artifactPaths.flatMap((p) => readdirSync(path.join(dir, p)).map((name) => path.join(p, name)));
    const manifests = kept.filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { id: string; label: string; file: string });
    expect(manifests).toHaveLength(1);
    expect(manifests[0]!.label).toBe('ci-local');
    expect(kept).toContain(path.join(artifactPaths[0]!, manifests[0]!.file));

    const restored = await runCollecting('bash', ['-c', `npx dbsafe restore ${manifests[0]!.id} --yes`], { cwd: dir, env });
    expect(restored.code).toBe(0);
    expect(psql("SELECT string_agg(name, ',' ORDER BY name) FROM customers", db.name)).toBe('Ada,Grace');
  });
});

it('the README shows exactly these recipes', () => {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  for (const file of ['github-actions.yml', 'gitlab-ci.yml']) expect(readme).toContain(readFileSync(path.join(RECIPES, file), 'utf8'));
});
