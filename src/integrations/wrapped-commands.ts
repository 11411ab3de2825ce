import type { WordPrefilter } from './shell-prefilter.js';

/**
 * The commands the shell functions and shims wrap, and the cheap argument
 * test that picks calls worth asking dbsafe about. The classifier behind
 * `dbsafe run` decides for real; this table only has to never miss a call
 * that can touch a database (over-matching costs one Node start).
 */
const SHELL_PREFILTER = {
  commands: ['npm', 'npx', 'pnpm', 'yarn', 'bun', 'bunx', 'php', 'rails', 'rake', 'bundle', 'python', 'python3', 'pytest', 'alembic', 'go', 'mix', 'dotnet', 'rspec'],
  always: ['pytest', 'rspec'],
  scanArguments: 3,
  argumentPatterns: [
    ...['npm', 'pnpm', 'yarn', 'bun'].flatMap((pm) => [`${pm}:test`, `${pm}:t`, `${pm}:tst`, `${pm}:run`, `${pm}:run-script`, `${pm}:exec`, `${pm}:x`, `${pm}:dlx`, `${pm}:it`, `${pm}:install-test`, `${pm}:cit`]),
    // yarn, pnpm and bun run a package.json script named as the first word.
    ...['pnpm', 'yarn', 'bun', 'npx', 'bunx'].flatMap((pm) => [
      `${pm}:*migrat*`,
      `${pm}:*seed*`,
      `${pm}:*reset*`,
      `${pm}:db:*`,
      `${pm}:test*`,
      `${pm}:prisma`,
      `${pm}:knex`,
      `${pm}:sequelize*`,
      `${pm}:drizzle-kit`,
      `${pm}:typeorm*`,
      `${pm}:mikro-orm*`,
      `${pm}:vitest`,
      `${pm}:jest`,
      `${pm}:mocha`,
      `${pm}:ava`,
      `${pm}:playwright`,
      `${pm}:cypress`,
    ]),
    'php:migrate*',
    'php:db:*',
    'php:test',
    'php:doctrine:*',
    'php:*phpunit*',
    'php:*pest*',
    'php:tinker',
    'rails:db:*',
    'rails:test*',
    'rails:spec*',
    'rails:runner',
    'rake:db:*',
    'rake:test*',
    'rake:spec*',
    'bundle:db:*',
    'bundle:rspec',
    'bundle:test*',
    'bundle:spec*',
    ...['python', 'python3'].flatMap((py) => [
      `${py}:migrate`,
      `${py}:flush`,
      `${py}:test`,
      `${py}:loaddata`,
      `${py}:sqlflush`,
      `${py}:reset_db`,
      `${py}:pytest`,
      `${py}:alembic`,
      `${py}:shell`,
      `${py}:dbshell`,
    ]),
    'alembic:upgrade',
    'alembic:downgrade',
    'alembic:stamp',
    'go:test',
    'go:run',
    'mix:ecto.*',
    'mix:test',
    'dotnet:ef',
    'dotnet:test',
  ],
};

/** Variables AI coding agents set in the shells they run (PRODUCT.md, "Consent"). */
export const AGENT_VARIABLES: readonly string[] = ['CLAUDECODE', 'CURSOR_AGENT', 'GEMINI_CLI', 'AI_AGENT', 'AGENT'];
/** Agents that announce themselves with any variable of a prefix. */
export const AGENT_VARIABLE_PREFIXES: readonly string[] = ['CODEX_', 'CLINE_'];

const HELP_OR_VERSION = ['--help', '-h', '--version', '-V', 'help', 'version'];

/** The table above as case arms over the joined arguments: help and version never, a listed word anywhere in the first arguments maybe. */
export function shellFilters(): WordPrefilter[] {
  return SHELL_PREFILTER.commands.map((word) => ({
    word,
    arms: [
      { globs: HELP_OR_VERSION, mayGuard: false },
      {
        globs: SHELL_PREFILTER.argumentPatterns.filter((p) => p.startsWith(`${word}:`)).map((p) => `*${p.slice(word.length + 1)}*`.replace(/\*{2,}/g, '*')),
        mayGuard: true,
      },
    ],
    otherwise: SHELL_PREFILTER.always.includes(word),
  }));
}
