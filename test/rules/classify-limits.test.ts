import { describe, expect, it } from 'vitest';
import { classifyCommand } from '../../src/rules/classify.js';
import { parsePlainLine } from '../../src/rules/simple-parse.js';

const parse = (source: string) => parsePlainLine(source) ?? { commands: [], syntaxError: true };

describe('classifier limits', () => {
  it('guards scripts that fan out beyond what dbsafe follows, within a bounded amount of work', () => {
    const scripts = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`s${i}`, `run-s ${Array.from({ length: 10 }, (_, j) => `s${j}`).join(' ')}`]));
    // Followed without a budget, 10 scripts each running all 10 would be read 10^depth times.
    let reads = 0;
    const result = classifyCommand({ command: ['npm', 'run', 's0'], cwd: '/project', readScripts: () => (reads++, { dir: '/project', scripts }), parse });
    expect(result).toMatchObject({ guarded: true, rule: 'too-deep' });
    expect(reads).toBeLessThanOrEqual(2000);
  });

  it('guards a script that calls itself, at the depth limit', () => {
    const result = classifyCommand({ command: ['npm', 'run', 'loop'], cwd: '/project', readScripts: () => ({ dir: '/project', scripts: { loop: 'npm run loop' } }), parse });
    expect(result).toMatchObject({ guarded: true, rule: 'too-deep' });
  });

  it('an argv is words as exec receives them: no shell parsing of its elements', () => {
    const result = classifyCommand({ command: ['echo', 'x && rails db:drop'], cwd: '/project', readScripts: () => null, parse });
    expect(result).toMatchObject({ guarded: false, rule: 'harmless-command' });
  });
});
