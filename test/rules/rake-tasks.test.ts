import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyCommandLine } from '../../src/rules/classify-line.js';
import { parseRakeFile } from '../../src/rules/rake-tasks.js';
import { tempDir } from '../helpers/cli.js';

/** The project's own rake tasks, read from Rakefile and lib/tasks/*.rake, are judged by their bodies. */

const RAKEFILE = `require_relative "config/application"
Rails.application.load_tasks

Rake::Task[:default].clear_prerequisites
task default: %i[lint test]
`;

const TASKS = `namespace :data do
  desc "Removes stale rows"
  task prune: :environment do
    Session.where("updated_at < ?", 1.month.ago).delete_all
  end

  task :reseed => :environment do
    Rake::Task["db:seed"].invoke
  end

  namespace :remote do
    task :restore do
      sh "pg_restore --clean -d app_development latest.dump"
    end
  end

  task refresh: :environment do
    ReportBuilder.new.call
  end
end

desc "Run the linters"
task lint: :environment do
  sh "bundle exec rubocop"
  if ENV["CI"]
    puts "in CI"
  end
end

task check_specs: :environment do
  files = Dir.glob("spec/**/*_spec.rb")
  puts files.count
end

namespace :factories do
  task lint: :environment do
    if Rails.env.test?
      FactoryBot.lint
    else
      system("bundle exec rake factories:lint RAILS_ENV='test'")
    end
  end
end

task setup_all: ["data:reseed"]
`;

let project: ReturnType<typeof tempDir>;
beforeAll(() => {
  project = tempDir('dbsafe-rake-');
  writeFileSync(path.join(project.dir, 'Rakefile'), RAKEFILE);
  mkdirSync(path.join(project.dir, 'lib', 'tasks', 'ops'), { recursive: true });
  writeFileSync(path.join(project.dir, 'lib', 'tasks', 'ops', 'data.rake'), TASKS);
});
afterAll(() => project.cleanup());

const judge = (command: string) => classifyCommandLine({ command, cwd: project.dir });

describe('parseRakeFile', () => {
  it('finds namespaced tasks, their prerequisites and their bodies', () => {
    const tasks = parseRakeFile(TASKS, 'lib/tasks/ops/data.rake');
    expect(Object.keys(tasks).sort()).toEqual(['check_specs', 'data:prune', 'data:refresh', 'data:remote:restore', 'data:reseed', 'factories:lint', 'lint', 'setup_all']);
    expect(tasks['data:reseed']!.prerequisites).toEqual(['environment']);
    expect(tasks['setup_all']!.prerequisites).toEqual(['data:reseed']);
    expect(tasks['lint']!.body.join('\n')).toContain('rubocop');
    expect(tasks['lint']!.body.join('\n')).not.toContain('Dir.glob');
    expect(parseRakeFile(RAKEFILE, 'Rakefile')['default']!.prerequisites).toEqual(['lint', 'test']);
  });
});

describe('rake and rails tasks the project defines', () => {
  it('guards a task whose body writes through ActiveRecord, and names the call', async () => {
    const result = await judge('bundle exec rake data:prune');
    expect(result).toMatchObject({ guarded: true, rule: 'rake-task-body' });
    expect(result.reason).toContain('delete_all');
    expect(result.reason).toContain('lib/tasks/ops/data.rake');
  });

  it('guards a task that invokes a database task, one that shells out to a database client, and one calling application code', async () => {
    expect(await judge('bin/rails data:reseed')).toMatchObject({ guarded: true, rule: 'rails-db' });
    expect(await judge('rake data:remote:restore')).toMatchObject({ guarded: true, rule: 'db-restore' });
    expect(await judge('bin/rake data:refresh')).toMatchObject({ guarded: true, rule: 'rake-task-body' });
    expect(await judge('rake setup_all')).toMatchObject({ guarded: true, rule: 'rails-db' });
  });

  it('passes a task whose body runs only harmless commands or reads files', async () => {
    expect(await judge('bundle exec rake lint')).toMatchObject({ guarded: false, rule: 'script-safe' });
    expect(await judge('bundle exec rails check_specs')).toMatchObject({ guarded: false, rule: 'script-safe' });
  });

  it('a task that re-runs itself in another environment is judged once, by its body', async () => {
    expect(await judge('bundle exec rake factories:lint')).toMatchObject({ guarded: true, rule: 'rake-task-body' });
  });

  it('rake alone runs the default task; other task names on the line keep their table rules', async () => {
    expect(await judge('bundle exec rake')).toMatchObject({ guarded: true, rule: 'rails-test' });
    expect(await judge('rake lint db:migrate')).toMatchObject({ guarded: true, rule: 'rails-db' });
  });

  it('a task the project does not define keeps the current behaviour', async () => {
    expect(await judge('rake assets:precompile')).toMatchObject({ guarded: false });
    expect(await judge('rake db:migrate')).toMatchObject({ guarded: true, rule: 'rails-db' });
  });

  it('without a readable Rakefile, names decide as before', async () => {
    const bare = tempDir('dbsafe-rake-bare-');
    try {
      expect(await classifyCommandLine({ command: 'rake data:prune', cwd: bare.dir })).toMatchObject({ guarded: false });
    } finally {
      bare.cleanup();
    }
  });
});

describe("tasks neither the project nor the table knows, in a Rails application with a database", () => {
  let app: ReturnType<typeof tempDir>;
  beforeAll(() => {
    app = tempDir('dbsafe-rake-app-');
    writeFileSync(path.join(app.dir, 'Rakefile'), RAKEFILE);
    mkdirSync(path.join(app.dir, 'config'));
    writeFileSync(path.join(app.dir, 'config', 'database.yml'), 'development:\n  adapter: postgresql\n  database: app_development\n');
    mkdirSync(path.join(app.dir, 'lib', 'tasks', 'ops'), { recursive: true });
    writeFileSync(path.join(app.dir, 'lib', 'tasks', 'ops', 'data.rake'), TASKS);
  });
  afterAll(() => app.cleanup());
  const inApp = (command: string) => classifyCommandLine({ command, cwd: app.dir });

  it("guards a gem's task (fail closed), naming the task and the database file", async () => {
    const result = await inApp('bundle exec rake after_party:run');
    expect(result).toMatchObject({ guarded: true, rule: 'rails-unknown-task' });
    expect(result.reason).toContain('after_party:run');
    expect(result.reason).toContain('config/database.yml');
    expect(await inApp('bin/rails data:migrate')).toMatchObject({ guarded: true, rule: 'rails-unknown-task' });
    expect(await inApp('rake assets:precompile after_party:run')).toMatchObject({ guarded: true, rule: 'rails-unknown-task' });
  });

  it("passes the read-only tasks and rails' own commands with their arguments", async () => {
    for (const command of ['bundle exec rake assets:precompile', 'bin/rails routes', 'rails stats', 'bin/rails zeitwerk:check', 'rake tmp:clear log:clear', 'rails generate model User name:string', 'bin/rails server -b 0.0.0.0', 'rake -T', 'bundle exec rake lint']) {
      expect(await inApp(command), command).toMatchObject({ guarded: false });
    }
  });

  it('keeps the table and the project bodies ahead of the fail-closed rule', async () => {
    expect(await inApp('bin/rails db:migrate')).toMatchObject({ guarded: true, rule: 'rails-db' });
    expect(await inApp('bundle exec rake data:prune')).toMatchObject({ guarded: true, rule: 'rake-task-body' });
  });

  it('without a database configured, a gem task is judged by the table as before', async () => {
    expect(await judge('bundle exec rake after_party:run')).toMatchObject({ guarded: false, rule: 'no-rule' });
  });
});
