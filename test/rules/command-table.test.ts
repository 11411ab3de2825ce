import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyCommandLine, loadUserCommandRules } from '../../src/rules/classify-line.js';
import type { UserCommandRule } from '../../src/rules/types.js';
import { runCli } from '../helpers/cli.js';
import { COMMAND_CASES } from './command-cases.js';
import { createFixtureProject } from './fixture-project.js';

let project: { dir: string; cleanup: () => void };
let userRules: UserCommandRule[];

beforeAll(() => {
  project = createFixtureProject();
  userRules = loadUserCommandRules(project.dir);
});
afterAll(() => project.cleanup());

describe('the command table', () => {
  it('has at least 120 cases, both guarded and not', () => {
    expect(COMMAND_CASES.length).toBeGreaterThanOrEqual(120);
    expect(COMMAND_CASES.filter((c) => c[1]).length).toBeGreaterThan(60);
    expect(COMMAND_CASES.filter((c) => !c[1]).length).toBeGreaterThan(40);
  });

  it('classifies every case as expected (pure classifier with the real parser)', async () => {
    const wrong: string[] = [];
    for (const [command, guarded, rule] of COMMAND_CASES) {
      const result = await classifyCommandLine({ command, cwd: project.dir, userRules });
      if (result.guarded !== guarded || result.rule !== rule) {
        wrong.push(`${command}\n    expected ${guarded ? 'guarded' : 'pass'} ${rule}, got ${result.guarded ? 'guarded' : 'pass'} ${result.rule}: ${result.reason}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('dbsafe explain --batch (the built CLI) agrees on every case', async () => {
    const run = await runCli(['explain', '--batch'], { cwd: project.dir, input: COMMAND_CASES.map(([command]) => JSON.stringify(command)).join('\n') });
    expect(run.code, run.stderr).toBe(0);
    const answers = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { guarded: boolean; rule: string; reason: string; segments: unknown[] });
    expect(answers).toHaveLength(COMMAND_CASES.length);
    const disagreements = COMMAND_CASES.flatMap(([command, guarded, rule], index) => {
      const answer = answers[index]!;
      const agrees = answer.guarded === guarded && answer.rule === rule && answer.reason.length > 0 && Array.isArray(answer.segments);
      return agrees ? [] : [`${command}: CLI said ${answer.guarded ? 'guarded' : 'pass'} ${answer.rule}`];
    });
    expect(disagreements).toEqual([]);
  });

  it('dbsafe explain --json -- CMD agrees on a sample, one process per command', async () => {
    const sample = COMMAND_CASES.filter((_, index) => index % 10 === 0);
    const disagreements: string[] = [];
    const queue = [...sample];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [command, guarded, rule] = next;
        const run = await runCli(['explain', '--json', '--', command], { cwd: project.dir });
        const json = run.code === 0 ? (JSON.parse(run.stdout) as { guarded: boolean; rule: string }) : null;
        if (!json || json.guarded !== guarded || json.rule !== rule) disagreements.push(`${command}: exit ${run.code} ${run.stdout}${run.stderr}`);
      }
    };
    await Promise.all([worker(), worker()]);
    expect(sample.length).toBeGreaterThanOrEqual(25);
    expect(disagreements).toEqual([]);
  });

  it('reads package.json scripts relative to a cd into a sub-package', async () => {
    const result = await classifyCommandLine({ command: 'cd api && npm run build', cwd: project.dir, userRules });
    expect(result.segments.map((s) => [s.text, s.guarded])).toEqual([
      ['cd api', false],
      ['npm run build', true],
    ]);
    expect(result.reason).toContain('knex migrate:latest');
    const fromSubdir = await classifyCommandLine({ command: 'npm run build', cwd: path.join(project.dir, 'web'), userRules });
    expect(fromSubdir.guarded).toBe(false);
  });
});
