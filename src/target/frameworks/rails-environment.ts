import { optionValue, programName, withoutLaunchers } from './project-files.js';

const LAUNCHERS = [['bundle', 'exec'], ['ruby'], ['spring'], ['bundle', 'exec', 'spring']] as const;

/** Commands that run with RAILS_ENV=test unless the environment says otherwise. */
const TEST_COMMANDS: readonly { program: string; task?: RegExp }[] = [
  { program: 'rspec' },
  { program: 'rails', task: /^(test|t|spec|db:test:\w+)(:\w+)*$/ },
  { program: 'rake', task: /^(test|spec|db:test:\w+)(:\w+)*$/ },
];

/** Tasks that, in development, act on the test database as well (ActiveRecord's each_current_configuration). */
const ALSO_TEST_TASKS = /^db:(create|drop|reset|setup|schema:load|structure:load)$/;

export interface RailsEnvironment {
  name: string;
  reason: string;
  /** Also judge the `test` entry (`rails db:drop` in development drops both). */
  alsoTest: boolean;
}

/**
 * RAILS_ENV for this command: `-e`/`--environment` and a `RAILS_ENV=x`
 * argument first, then the shell's RAILS_ENV / RACK_ENV, then `test` for test
 * runs, else Rails' default `development`.
 */
export function railsEnvironment(argv: readonly string[] | null, shell: (name: string) => string | undefined, databaseUrlSet: boolean): RailsEnvironment {
  const words = withoutLaunchers(argv ?? [], LAUNCHERS);
  const program = programName(words[0]);
  const task = words.slice(1).find((word) => !word.startsWith('-') && !word.includes('='));
  const argument = words.find((word) => /^(RAILS_ENV|RACK_ENV)=/.test(word));
  const flag = program === 'rails' ? optionValue(words, '--environment', '-e') : undefined;
  const alsoTest = (name: string) => name === 'development' && !databaseUrlSet && task !== undefined && ALSO_TEST_TASKS.test(task) && (program === 'rails' || program === 'rake');
  const chosen = (name: string, reason: string): RailsEnvironment => {
    const both = alsoTest(name);
    return { name, reason: both ? `${reason}; \`${program} ${task}\` in development also acts on the test database` : reason, alsoTest: both };
  };
  if (flag) return chosen(flag, `\`-e ${flag}\` on the command line`);
  if (argument) return chosen(argument.split('=')[1]!, `${argument} on the command line`);
  for (const name of ['RAILS_ENV', 'RACK_ENV']) {
    const value = shell(name);
    if (value) return chosen(value, `${name}=${value} in the environment`);
  }
  // A bare `rake` runs the default task, which is the test suite in a Rails app.
  const bareRake = program === 'rake' && task === undefined;
  const testRun = bareRake || TEST_COMMANDS.some((command) => command.program === program && (command.task === undefined || (task !== undefined && command.task.test(task))));
  if (testRun) return chosen('test', `test: \`${words.slice(0, task && program !== 'rspec' ? 2 : 1).join(' ')}\` runs with RAILS_ENV=test`);
  return chosen('development', 'development: Rails\' default when RAILS_ENV and RACK_ENV are unset');
}
