import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyCommand } from '../../src/rules/classify.js';
import { loadUserCommandRules, packageScriptsReader } from '../../src/rules/classify-line.js';
import { commandName, shellSource, unwrapLauncher } from '../../src/rules/launchers.js';
import { prefilterCaseStatement, prefilterMayGuard, shellPrefilter, type WordPrefilter } from '../../src/rules/prefilter.js';
import { COMMAND_RULES } from '../../src/rules/table/index.js';
import { loadTreeSitterParser } from '../../src/rules/tree-sitter-parse.js';
import type { ShellParse, ShellWord, UserCommandRule } from '../../src/rules/types.js';
import { COMMAND_CASES } from './command-cases.js';
import { createCorpusProjects, PUBLIC_CORPUS } from './corpus-project.js';
import { createFixtureProject } from './fixture-project.js';

/** Prefixes a shell function cannot see through but a PATH shim can: the call behind them reaches the shim. */
const EXEC_PREFIXES = new Set(['env', 'sudo', 'doas', 'nice', 'nohup', 'time', 'timeout', 'exec', 'command', 'stdbuf', 'ionice']);

let project: { dir: string; cleanup: () => void };
let userRules: UserCommandRule[];
let parse: ShellParse;
let filters: Map<string, WordPrefilter>;

beforeAll(async () => {
  project = createFixtureProject();
  userRules = loadUserCommandRules(project.dir);
  parse = await loadTreeSitterParser();
  filters = new Map(shellPrefilter(userRules).map((f) => [f.word, f]));
});
afterAll(() => project.cleanup());

/** Every guarded simple command a case runs (nested shells and substitutions included), as the argv a shim would see. */
function guardedCalls(source: string): string[][] {
  const calls: string[][] = [];
  const readScripts = packageScriptsReader();
  for (const command of parse(source).commands) {
    let words: readonly ShellWord[] = command.words;
    const nested = shellSource(words, command.stdinText, command.stdin !== 'terminal');
    if (nested.kind === 'shell' && nested.source.every((w) => w.resolved)) calls.push(...guardedCalls(nested.source.map((w) => w.text).join(' ')));
    for (let step = unwrapLauncher(words); step.kind === 'command' && EXEC_PREFIXES.has(commandName(words[0]!.text)); step = unwrapLauncher(words)) words = step.words;
    if (words.length === 0 || words.some((w) => !w.resolved)) continue;
    const argv = words.map((w) => w.text);
    const verdict = classifyCommand({ command: argv, cwd: project.dir, readScripts, parse, userRules });
    if (verdict.guarded) calls.push(argv);
  }
  return calls;
}

describe('shellPrefilter', () => {
  it('has a filter for every tool of the table a user can type by name', () => {
    const pathOnly = new Set(['artisan', 'console', 'manage.py', 'django']);
    const tools = [...new Set(COMMAND_RULES.flatMap((rule) => rule.tools))].filter((tool) => !pathOnly.has(tool));
    expect(tools.filter((tool) => !filters.has(tool))).toEqual([]);
    for (const word of ['npm', 'npx', 'yarn', 'pnpm', 'bun', 'bunx', 'php', 'python', 'python3', 'bundle', 'docker', 'make']) expect(filters.has(word), word).toBe(true);
  });

  it('never says no to a guarded call of the command table (no false negatives)', () => {
    const checked: string[] = [];
    const missed: string[] = [];
    for (const [source, guarded] of COMMAND_CASES) {
      if (!guarded) continue;
      for (const argv of guardedCalls(source)) {
        const filter = filters.get(commandName(argv[0]!));
        if (!filter) continue;
        checked.push(argv.join(' '));
        if (!prefilterMayGuard(filter, argv.slice(1))) missed.push(argv.join(' '));
      }
    }
    expect(missed).toEqual([]);
    expect(checked.length).toBeGreaterThan(100);
  });

  it('says no to common safe calls, so they run without starting Node', () => {
    // Installs are not here: they run the project's lifecycle scripts (postinstall, prepare), which Node reads.
    const safe = ['npm --version', 'npm -v', 'npm ls', 'yarn remove react', 'pnpm remove vitest', 'bun remove zod', 'composer validate', 'tsx src/index.ts', 'python -m http.server',
      'go build ./...', 'go mod tidy', 'cargo build', 'python script.py', 'php -v', 'bundle install', 'mvn compile', 'docker compose up -d', 'docker ps', 'make build', 'prisma --version', 'psql --version'];
    const wronglyMaybe = safe.filter((line) => {
      const [word, ...args] = line.split(' ');
      return prefilterMayGuard(filters.get(word!)!, args);
    });
    expect(wronglyMaybe).toEqual([]);
  });

  it('renders case statements that real bash evaluates exactly like the reference', () => {
    const calls = COMMAND_CASES.filter(([, guarded]) => guarded).flatMap(([source]) => guardedCalls(source)).filter((argv) => filters.has(commandName(argv[0]!)));
    const probes = [...calls, ['npm', 'install'], ['npm', '--version'], ['yarn'], ['go', 'build'], ['make', 'build'], ['docker', 'compose', 'up'], ['cargo', 'build', '--release']];
    const functions = [...filters.values()].map((f) => `probe_${f.word.replace(/[^A-Za-z0-9]/g, '_')}() {\n${prefilterCaseStatement(f, 'echo maybe', 'echo no')}\n}`);
    const calls_ = probes.map((argv) => `probe_${commandName(argv[0]!).replace(/[^A-Za-z0-9]/g, '_')} ${argv.slice(1).map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(' ')}`);
    const result = spawnSync('bash', ['--norc', '--noprofile', '-c', [...functions, ...calls_].join('\n')], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    const expected = probes.map((argv) => (prefilterMayGuard(filters.get(commandName(argv[0]!))!, argv.slice(1)) ? 'maybe' : 'no'));
    expect(result.stdout.trim().split('\n')).toEqual(expected);
    expect(expected.filter((answer) => answer === 'no').length).toBeGreaterThanOrEqual(5);
  });

  it('git and find reach Node only in the forms that run a command', () => {
    const may = (line: string) => {
      const [word, ...args] = line.split(' ');
      return prefilterMayGuard(filters.get(word!)!, args);
    };
    for (const line of ['git rebase --exec npm-test main', 'git rebase -i -x make main', 'git bisect run rails test', 'git submodule foreach npx prisma migrate deploy', 'git -c alias.t=!npm t', 'find . -exec psql {} ;', 'find db -execdir tsx {} +', 'find . -ok rm {} ;']) expect(may(line), line).toBe(true);
    for (const line of ['git status', 'git commit -m migrate-users', 'git rebase main', 'git log --oneline', 'git --version', 'find . -name *.sql', 'find db/migrations -type f -delete']) expect(may(line), line).toBe(false);
  });

  it('rails and rake reach Node for any task the read-only rows do not settle (a gem task may be guarded), and settle a lone read-only task', () => {
    const may = (line: string) => {
      const [word, ...args] = line.split(' ');
      return prefilterMayGuard(filters.get(word!)!, args);
    };
    for (const line of ['rake after_party:run', 'rails data:migrate', 'rails environment after_party:run', 'rake assets:precompile after_party:run', 'rails db:migrate']) expect(may(line), line).toBe(true);
    for (const line of ['rake zeitwerk:check', 'rake stats', 'rails about', 'rails --version']) expect(may(line), line).toBe(false);
  });

  it("adds the project's guard rules, so `make test` reaches dbsafe", () => {
    expect(prefilterMayGuard(filters.get('make')!, ['test'])).toBe(true);
    expect(prefilterMayGuard(filters.get('make')!, ['db-reset'])).toBe(true);
    expect(prefilterMayGuard(filters.get('reset-db.sh')!, ['--force'])).toBe(true);
    expect(prefilterMayGuard(filters.get('make')!, ['lint'])).toBe(false);
  });
});

describe('the recipe check on the regression corpus', () => {
  it('never says no to a make call of the corpus labelled guard (the recipe file names what the classifier guards)', () => {
    const corpus = createCorpusProjects();
    try {
      const make = shellPrefilter().find((filter) => filter.word === 'make')!;
      const calls = PUBLIC_CORPUS.filter((c) => c.label === 'guard' && c.fixture && /^make(\s|$)/.test(c.line) && !/[$`"'\\|;&<>(){}]/.test(c.line));
      expect(calls.length).toBeGreaterThan(20);
      const read = (dir: string) => (file: string) => (existsSync(path.join(dir, file)) ? readFileSync(path.join(dir, file), 'utf8') : null);
      const missed = calls.filter((c) => !prefilterMayGuard(make, c.line.split(/\s+/).slice(1), read(corpus.dirOf(c)))).map((c) => `${c.repo}: ${c.line}`);
      expect(missed).toEqual([]);
      // The application programs the classifier guards by their subcommand are not wrapped words: the recipe check knows their words.
      for (const recipe of ['superset db upgrade', 'superset fab create-admin', './listmonk --install --yes', 'sentry --config=x upgrade', '@./efbundle --connection x', 'python manage.py migrate_clickhouse']) {
        expect(prefilterMayGuard(make, ['setup'], (file) => (file === 'Makefile' ? `setup:\n\t${recipe}\n` : null)), recipe).toBe(true);
      }
      expect(prefilterMayGuard(make, ['build'], (file) => (file === 'Makefile' ? 'build:\n\ttsc -p .\n\tcp -r public dist/\n' : null))).toBe(false);
    } finally {
      corpus.cleanup();
    }
  });
});

describe('shellPrefilter and the project files the classifier reads', () => {
  it('sends calls whose verdict depends on a project file to Node: mix aliases, Spring Boot run tasks, python -m manage', () => {
    const filters = new Map(shellPrefilter().map((f) => [f.word, f]));
    const may = (line: string) => {
      const [word, ...args] = line.split(' ');
      return prefilterMayGuard(filters.get(word!)!, args);
    };
    expect(['mix setup', 'mix test.reset', 'gradle bootRun', 'gradle :app:bootRun', 'mvn spring-boot:run', 'python -m manage flush', 'python3 -m manage migrate'].filter((line) => !may(line))).toEqual([]);
    expect(['gradle bootJar', 'mvn compile', 'python -m http.server'].filter(may)).toEqual([]);
  });
});
