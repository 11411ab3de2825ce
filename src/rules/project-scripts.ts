import path from 'node:path';
import { judgeInlineCode } from './embedded-commands.js';
import { commandName, SHELLS } from './launchers.js';
import { guardedDeciders, type RuleVerdict } from './match.js';
import type { NestedJudge } from './nested-judge.js';
import { quoteWord } from './quote.js';
import type { ShellWord } from './types.js';

/**
 * A program of the project that a line runs by its path
 * (`bin/knapsack_pro_rspec`, `./script/test`, `ruby bin/setup`): a shell
 * script is judged by its body, like a package.json script; a Ruby, Node,
 * Python, PHP or Perl program by the commands its string literals start
 * (`system! "bin/rails db:prepare"`), the way inline code is. Pure.
 */

type Interpreter = 'shell' | 'ruby' | 'node' | 'python' | 'php' | 'perl';

const EXTENSIONS: Record<string, Interpreter> = { '.sh': 'shell', '.bash': 'shell', '.rb': 'ruby', '.js': 'node', '.mjs': 'node', '.cjs': 'node', '.ts': 'node', '.py': 'python', '.php': 'php', '.pl': 'perl' };

function interpreterNamed(program: string): Interpreter | null {
  if (SHELLS.has(program)) return program === 'fish' ? null : 'shell';
  if (/^python(\d+(\.\d+)?)?$|^pypy3?$/.test(program)) return 'python';
  if (['node', 'nodejs', 'bun', 'tsx', 'ts-node'].includes(program)) return 'node';
  return program === 'ruby' || program === 'php' || program === 'perl' ? program : null;
}

/** The interpreter a script's first line names (`#!/usr/bin/env bash`, `#!/bin/sh -e`), else the one its extension says. */
export function scriptInterpreter(file: string, text: string): Interpreter | null {
  const shebang = /^#!\s*(\S+)[ \t]*(.*)/.exec(text.slice(0, text.indexOf('\n') >>> 0));
  if (!shebang) return EXTENSIONS[path.extname(file)] ?? null;
  let program = commandName(shebang[1]!);
  if (program === 'env') program = commandName(shebang[2]!.split(/\s+/).find((word) => word !== '' && !word.startsWith('-') && !word.includes('=')) ?? '');
  return interpreterNamed(program);
}

/**
 * A shell script's body with its arguments put in (`exec "$@"` in a
 * `bin/docker-entrypoint rails server` runs `rails server`): `$@`, `$*` and
 * `$1`…`$9`, quoted or not, become the words the line gave it. Arguments only
 * known at run time leave the body as written (its words stay unknown).
 */
export function withArguments(body: string, args: readonly ShellWord[]): string {
  if (args.some((arg) => !arg.resolved)) return body;
  const all = args.map(quoteWord).join(' ');
  return body
    .replace(/"\$(?:\{[@*]\}|[@*])"|\$(?:\{[@*]\}|[@*])/g, all)
    .replace(/"\$(?:\{([1-9])\}|([1-9]))"|\$(?:\{([1-9])\}|([1-9]))/g, (...match: string[]) => {
      const arg = args[Number(match[1] ?? match[2] ?? match[3] ?? match[4]) - 1];
      if (arg) return quoteWord(arg);
      return match[1] !== undefined || match[2] !== undefined ? "''" : '';
    });
}

/** Judge the program at `written` (its text read from the project), given `args`; null when dbsafe cannot read what it runs. */
export function judgeProjectScript(written: string, file: string, text: string, args: readonly ShellWord[], judge: NestedJudge): RuleVerdict | null {
  const interpreter = scriptInterpreter(file, text);
  if (interpreter === null) return null;
  if (interpreter === 'shell') {
    const verdicts = judge.source(withArguments(text, args));
    const guarded = verdicts.find((verdict) => verdict.guarded);
    if (guarded) return { ...guarded, decidedBy: guardedDeciders(verdicts), reason: `${written} is a shell script of the project that runs a command that ${guarded.reason}` };
    return { guarded: false, rule: 'script-safe', reason: `${written} is a shell script of the project whose commands touch no database` };
  }
  // A program's literals only ever guard: code that starts no known command may still write through a library.
  const verdict = judgeInlineCode(interpreter, { text, resolved: true }, judge);
  return verdict?.guarded ? { ...verdict, reason: `${written} is a ${interpreter} program of the project: ${verdict.reason}` } : null;
}
