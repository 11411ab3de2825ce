import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseQuickly, registerSpec, type CommandSpec } from '../../src/cli/command-spec.js';
import { spec as agentHookSpec } from '../../src/cli/commands/agent-hook.js';
import { spec as checkSpec } from '../../src/cli/commands/check.js';
import { spec as explainSpec } from '../../src/cli/commands/explain.js';

/** What commander makes of the same arguments, or null when it stops with a usage error or help. */
async function commanderParse(spec: CommandSpec<unknown>, args: string[]): Promise<{ words: string[]; options: unknown } | null> {
  let seen: { words: string[]; options: unknown } | null = null;
  const program = new Command('dbsafe').exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
  registerSpec(program, { ...spec, action: async (words, options) => void (seen = { words, options: { ...(options as object) } }) });
  try {
    await program.parseAsync(['node', 'dbsafe', spec.name, ...args]);
  } catch {
    return null;
  }
  return seen;
}

const CASES: ReadonlyArray<[CommandSpec<unknown>, string[]]> = [
  [checkSpec, []],
  [checkSpec, ['--offline']],
  [checkSpec, ['--json', '--offline']],
  [checkSpec, ['--url', 'postgres://localhost/app_dev']],
  [checkSpec, ['--url=postgres://localhost/app_dev', '--json']],
  [checkSpec, ['--url', 'a', '--url', 'b']],
  [checkSpec, ['--url']],
  [checkSpec, ['--bogus']],
  [checkSpec, ['extra']],
  [checkSpec, ['--help']],
  [checkSpec, ['-h']],
  [checkSpec, ['--json=yes']],
  [explainSpec, ['--', 'npm', 'test']],
  [explainSpec, ['npm test']],
  [explainSpec, ['--json', '--', 'npx', 'prisma', 'migrate', 'reset', '--force']],
  [explainSpec, ['npm', 'test', '--json']],
  [explainSpec, ['npm', '-w', 'app', 'test']],
  [explainSpec, ['--batch']],
  [explainSpec, ['--', '--json']],
  [explainSpec, []],
  [agentHookSpec, []],
  [agentHookSpec, ['--format', 'codex']],
  [agentHookSpec, ['--format=gemini']],
  [agentHookSpec, ['--format']],
  [agentHookSpec, ['--format', 'claude', 'stray']],
];

describe('parseQuickly', () => {
  it.each(CASES.map(([spec, args]) => [spec.name, args.join(' '), spec, args] as const))('%s %s: commander agrees wherever the quick parse answers', async (_name, _line, spec, args) => {
    const quick = parseQuickly(spec, args);
    const commander = await commanderParse(spec, args);
    if (quick) expect(quick).toEqual(commander);
    else expect(['--help', '-h', '-w'].some((flag) => args.includes(flag)) || commander === null || spec.allowUnknownOption).toBe(true);
  });

  it('answers the plain forms the integrations send, so they never load commander', () => {
    expect(parseQuickly(checkSpec, ['--offline', '--json'])).toEqual({ words: [], options: { offline: true, json: true } });
    // `check -- CMD`: the databases CMD will use.
    expect(parseQuickly(checkSpec, ['--offline', '--', 'npm', 'test'])).toEqual({ words: ['npm', 'test'], options: { offline: true } });
    expect(parseQuickly(explainSpec, ['--', 'npm', 'test'])).toEqual({ words: ['npm', 'test'], options: {} });
    expect(parseQuickly(agentHookSpec, [])).toEqual({ words: [], options: { format: 'claude' } });
  });

  it('leaves help, short options, unknown options and missing values to commander', () => {
    for (const args of [['--help'], ['-h'], ['--bogus'], ['--url'], ['--url', '--json'], ['--json=1']]) expect(parseQuickly(checkSpec, args)).toBeNull();
    // agent-hook takes no words: a stray one is commander's to refuse.
    expect(parseQuickly(agentHookSpec, ['stray'])).toBeNull();
  });
});
