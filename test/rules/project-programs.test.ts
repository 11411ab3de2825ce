import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyCommandLine } from '../../src/rules/classify-line.js';
import { scriptInterpreter } from '../../src/rules/project-scripts.js';
import { tempDir } from '../helpers/cli.js';

/**
 * Programs of the project a line runs by path (bin/ scripts) and a Django
 * project's management commands are judged by what their bodies do.
 */

let project: ReturnType<typeof tempDir>;
const write = (file: string, text: string) => {
  mkdirSync(path.dirname(path.join(project.dir, file)), { recursive: true });
  writeFileSync(path.join(project.dir, file), text);
  chmodSync(path.join(project.dir, file), 0o755);
};

beforeAll(() => {
  project = tempDir('dbsafe-programs-');
  write('bin/ci_rspec', '#!/bin/bash\nif [ -z "$TOKEN" ]; then\n  KNAPSACK_PRO_ENDPOINT=x bundle exec rake knapsack_pro:rspec\nelse\n  bundle exec rake knapsack_pro:rspec\nfi\n');
  write('bin/lint', '#!/usr/bin/env sh\nset -e\nbundle exec rubocop "$@"\nnpx eslint .\n');
  write('bin/setup', '#!/usr/bin/env ruby\nrequire "fileutils"\ndef system!(*args)\n  system(*args, exception: true)\nend\nFileUtils.chdir APP_ROOT do\n  system! "gem install bundler --conservative"\n  system! "bin/rails db:prepare"\nend\n');
  write('bin/dev', '#!/usr/bin/env ruby\nputs "starting"\nexec "foreman", "start", "-f", "Procfile.dev"\n');
  write('script/reset-cache.sh', 'rm -rf tmp/cache\n');
  write('bin/docker-entrypoint', '#!/bin/bash -e\nif [ -f tmp/pids/server.pid ]; then rm -f tmp/pids/server.pid; fi\nexec "${@}"\n');
  write('bin/run-task', '#!/bin/sh\nbundle exec rake "$1"\n');
  write('scripts/seed-users.ts', 'import { db } from "../db";\nawait db.user.create({ data: { name: "x" } });\n');
  write('manage.py', '#!/usr/bin/env python\nimport sys\nfrom django.core.management import execute_from_command_line\nexecute_from_command_line(sys.argv)\n');
  write('shop/__init__.py', '');
  write('shop/management/commands/populatedb.py', 'from django.core.management.base import BaseCommand\nfrom shop.models import Product\n\nclass Command(BaseCommand):\n    def handle(self, *args, **options):\n        Product.objects.bulk_create([Product(name="a")])\n');
  write('shop/management/commands/setup_demo.py', 'from django.core.management import call_command\nfrom django.core.management.base import BaseCommand\n\nclass Command(BaseCommand):\n    def handle(self, *args, **options):\n        call_command("migrate", interactive=False)\n');
  write('shop/management/commands/print_schema.py', 'from django.core.management.base import BaseCommand\nfrom shop.schema import schema\n\nclass Command(BaseCommand):\n    # prints the schema; nothing is saved\n    def handle(self, *args, **options):\n        self.stdout.write(str(schema))\n');
  write('shop/management/commands/count_products.py', 'from django.core.management.base import BaseCommand\nfrom shop.models import Product\n\nclass Command(BaseCommand):\n    def handle(self, *args, **options):\n        print(Product.objects.filter(active=True).count())\n');
  write('laravel/artisan', '#!/usr/bin/env php\n<?php\n');
  write('laravel/config/database.php', "<?php\nreturn ['default' => 'mysql'];\n");
  write('laravel/app/Console/Commands/InitCommand.php', "<?php\nclass InitCommand extends Command\n{\n    protected $signature = 'shop:init {--no-assets}';\n    public function handle(): int\n    {\n        Artisan::call('migrate', ['--force' => true]);\n        return 0;\n    }\n}\n");
  write('laravel/app/Console/Commands/PruneCarts.php', "<?php\nclass PruneCarts extends Command\n{\n    protected $signature = 'carts:prune';\n    public function handle(): void\n    {\n        Cart::query()->where('stale', true)->delete();\n    }\n}\n");
  write('laravel/app/Console/Commands/ShowVersion.php', "<?php\nclass ShowVersion extends Command\n{\n    protected $signature = 'shop:version';\n    public function handle(): void\n    {\n        $this->info(config('app.version'));\n    }\n}\n");
  write('shop/management/commands/recount.py', 'from django.core.management.base import BaseCommand\nfrom shop.counters import update_counts, print_counts\n\nclass Command(BaseCommand):\n    def handle(self, *args, **options):\n        update_counts()\n');
  write('shop/management/commands/show_counts.py', 'from django.core.management.base import BaseCommand\nfrom shop.counters import update_counts, print_counts\n\nclass Command(BaseCommand):\n    def handle(self, *args, **options):\n        print_counts()\n');
  write('shop/management/commands/appshell.py', 'import code\nfrom django.core.management.base import BaseCommand\n\nclass Command(BaseCommand):\n    def handle(self, *args, **options):\n        return code.interact(local={})\n');
  write('shop/management/commands/purge_events.py', 'from django.db import connection\nfrom django.core.management.base import BaseCommand\n\nclass Command(BaseCommand):\n    def handle(self, *args, **options):\n        with connection.cursor() as cursor:\n            cursor.execute("DELETE FROM events")\n');
});
afterAll(() => project.cleanup());

const judge = (command: string) => classifyCommandLine({ command, cwd: project.dir });

describe('programs of the project run by their path', () => {
  it('knows a script by its first line, else by its extension', () => {
    expect(scriptInterpreter('bin/x', '#!/usr/bin/env -S bash -e\necho')).toBe('shell');
    expect(scriptInterpreter('bin/x', '#!/bin/sh\n')).toBe('shell');
    expect(scriptInterpreter('bin/x', '#!/usr/bin/env ruby\n')).toBe('ruby');
    expect(scriptInterpreter('bin/x', '#!/usr/bin/python3.12\n')).toBe('python');
    expect(scriptInterpreter('x.sh', 'echo')).toBe('shell');
    expect(scriptInterpreter('bin/x', 'echo')).toBeNull();
  });

  it('guards a shell script whose body runs a guarded command, and says which script and rule', async () => {
    const result = await judge("RUBYOPT='-W:no-deprecated' bin/ci_rspec");
    expect(result).toMatchObject({ guarded: true, rule: 'rails-test' });
    expect(result.reason).toContain('bin/ci_rspec');
    expect(await judge('./bin/ci_rspec')).toMatchObject({ guarded: true, rule: 'rails-test' });
  });

  it('reads a program run from the current directory by $PWD or $(pwd) like one run by its relative path', async () => {
    expect(await judge('$PWD/bin/ci_rspec')).toMatchObject({ guarded: true, rule: 'rails-test' });
    expect(await judge('"${PWD}"/bin/ci_rspec')).toMatchObject({ guarded: true, rule: 'rails-test' });
    expect(await judge('$PWD/bin/lint --fix')).toMatchObject({ guarded: false, rule: 'script-safe' });
  });

  it('passes a shell script whose commands touch no database, even when its path has a database word', async () => {
    expect(await judge('bin/lint --fix')).toMatchObject({ guarded: false, rule: 'script-safe' });
    expect(await judge('./script/reset-cache.sh')).toMatchObject({ guarded: false, rule: 'script-safe' });
  });

  it('puts the arguments into the body: a wrapper is judged by the command it is given', async () => {
    expect(await judge('bin/docker-entrypoint bin/rails server -b 0.0.0.0')).toMatchObject({ guarded: false });
    expect(await judge('bin/docker-entrypoint bin/rails db:migrate')).toMatchObject({ guarded: true, rule: 'rails-db' });
    expect(await judge('bin/run-task db:seed')).toMatchObject({ guarded: true, rule: 'rails-db' });
    expect(await judge('bin/run-task assets:precompile')).toMatchObject({ guarded: false });
    expect(await judge('bin/docker-entrypoint $CMD')).toMatchObject({ guarded: true, rule: 'unresolvable' });
  });

  it('guards a Ruby program that starts a guarded command; one that starts none is judged as before', async () => {
    const setup = await judge('bin/setup');
    expect(setup).toMatchObject({ guarded: true });
    expect(setup.reason).toContain('bin/rails db:prepare');
    expect(await judge('bin/dev')).toMatchObject({ guarded: false });
    // A program whose body dbsafe cannot follow keeps its path-word rule.
    expect(await judge('npx tsx scripts/seed-users.ts')).toMatchObject({ guarded: true, rule: 'path-word' });
  });
});

describe("a Django project's management commands", () => {
  it('guards a command whose body writes through the ORM or runs SQL, naming the call and the file', async () => {
    const result = await judge('python manage.py populatedb');
    expect(result).toMatchObject({ guarded: true, rule: 'django-command-body' });
    expect(result.reason).toContain('bulk_create');
    expect(result.reason).toContain(path.join('shop', 'management', 'commands', 'populatedb.py'));
    expect(await judge('./manage.py purge_events')).toMatchObject({ guarded: true, rule: 'django-command-body' });
  });

  it("guards a command that calls the application's code whose name says it writes, or opens a shell; passes one that calls a reader", async () => {
    const recount = await judge('python manage.py recount');
    expect(recount).toMatchObject({ guarded: true, rule: 'django-command-body' });
    expect(recount.reason).toContain('update_counts()');
    expect(await judge('python manage.py show_counts')).toMatchObject({ guarded: false, rule: 'script-safe' });
    expect(await judge('python manage.py appshell')).toMatchObject({ guarded: true, rule: 'app-console' });
  });

  it('guards a command that calls a guarded command', async () => {
    const result = await judge('docker compose run --rm web python manage.py setup_demo');
    expect(result).toMatchObject({ guarded: true, rule: 'django-write' });
    expect(result.reason).toContain('setup_demo');
  });

  it('passes a command that only reads or prints', async () => {
    expect(await judge('python manage.py print_schema > schema.graphql')).toMatchObject({ guarded: false, rule: 'script-safe' });
    expect(await judge('python3 manage.py count_products')).toMatchObject({ guarded: false, rule: 'script-safe' });
  });

  it("guards an installed app's command dbsafe does not know (fail closed), and keeps the table's rows", async () => {
    const result = await judge('python manage.py rebuild_references_index');
    expect(result).toMatchObject({ guarded: true, rule: 'django-unknown-command' });
    expect(result.reason).toContain('commands.allow');
    expect(await judge('python manage.py collectstatic --noinput')).toMatchObject({ guarded: false, rule: 'django-read-only' });
    expect(await judge('python manage.py migrate')).toMatchObject({ guarded: true, rule: 'django-write' });
  });

  it('outside a Django project (no manage.py) an unknown command is judged by the table as before', async () => {
    const bare = tempDir('dbsafe-programs-bare-');
    try {
      expect(await classifyCommandLine({ command: 'python manage.py rebuild_references_index', cwd: bare.dir })).toMatchObject({ guarded: false, rule: 'no-rule' });
    } finally {
      bare.cleanup();
    }
  });
});

describe("a Laravel project's console commands", () => {
  const inLaravel = (command: string) => classifyCommandLine({ command, cwd: path.join(project.dir, 'laravel') });

  it('guards a command that calls a guarded artisan command or writes through Eloquent, naming the file', async () => {
    const init = await inLaravel('php artisan shop:init --no-interaction');
    expect(init).toMatchObject({ guarded: true, rule: 'artisan-migrate' });
    expect(init.reason).toContain(path.join('app', 'Console', 'Commands', 'InitCommand.php'));
    expect(await inLaravel('php artisan carts:prune')).toMatchObject({ guarded: true, rule: 'artisan-command-body' });
  });

  it("passes a command that writes nothing and the framework's own cache and publish commands", async () => {
    expect(await inLaravel('php artisan shop:version')).toMatchObject({ guarded: false, rule: 'script-safe' });
    expect(await inLaravel('php artisan config:cache')).toMatchObject({ guarded: false, rule: 'artisan-framework' });
  });

  it("guards a package's command dbsafe does not know, and a project command behind a path known only at run time", async () => {
    expect(await inLaravel('php artisan backup:run')).toMatchObject({ guarded: true, rule: 'artisan-unknown-command' });
    expect(await inLaravel('php $ROOT/artisan shop:version')).toMatchObject({ guarded: true, rule: 'unresolvable' });
    expect(await inLaravel('php $ROOT/artisan key:generate')).toMatchObject({ guarded: false });
  });
});


describe('make recipes and application programs', () => {
  it('expands what make itself expands: $(shell which X), $(info …), *FLAGS, dotted names, a program set in both branches', async () => {
    const dir = tempDir('dbsafe-recipe-expansion-');
    try {
      const makefile = [
        'DC := $(shell which docker-compose)',
        'compose.test = -f docker-compose.test.yml',
        'GOFLAGS ?= $(GOFLAGS:)',
        'ifeq ($(shell which lessc),/usr/bin/lessc)',
        '\tLESSC=/usr/bin/lessc',
        'else',
        '\tLESSC=node_modules/.bin/lessc',
        'endif',
        'ifeq ($(CI),true)',
        '\tTOOL=psql',
        'else',
        '\tTOOL=echo',
        'endif',
        'lint:\n\t"${DC}" run --rm web flake8 app/',
        'migrate:\n\t"${DC}" run --rm web python manage.py migrate',
        'test-js:\n\t$(info Running JS unit tests...)\n\tnpx eslint .',
        'test-db:\n\tdocker-compose ${compose.test} up -d testdb',
        'reset-db:\n\tdocker-compose ${compose.test} run --rm web python manage.py flush --no-input',
        'checker:\n\tgo run $(GOFLAGS) ./cmd/checker',
        'migrator:\n\tgo run $(GOFLAGS) ./cmd/migrate',
        'css:\n\t$(LESSC) app.less app.css',
        'either:\n\t$(TOOL) -c "select 1"',
        'ui:\n\t$(MAKE) $(MFLAGS) css',
        '',
      ].join('\n');
      writeFileSync(path.join(dir.dir, 'Makefile'), makefile);
      const guarded = async (target: string) => (await classifyCommandLine({ command: `make ${target}`, cwd: dir.dir })).guarded;
      for (const target of ['lint', 'test-js', 'test-db', 'checker', 'css', 'ui']) expect(await guarded(target), target).toBe(false);
      for (const target of ['migrate', 'reset-db', 'migrator', 'either']) expect(await guarded(target), target).toBe(true);
    } finally {
      dir.cleanup();
    }
  });

  it('reads a comment on a rule line as a comment, not as prerequisites (self-documenting Makefiles)', async () => {
    const dir = tempDir('dbsafe-recipe-comment-');
    try {
      writeFileSync(path.join(dir.dir, 'Makefile'), 'run: ### start the app, migrating first\n\tgo run -tags migrate ./cmd/app\n\nlint: ### run the linter\n\tgolangci-lint run\n');
      expect((await classifyCommandLine({ command: 'make lint', cwd: dir.dir })).guarded).toBe(false);
      expect((await classifyCommandLine({ command: 'make run', cwd: dir.dir })).guarded).toBe(true);
    } finally {
      dir.cleanup();
    }
  });

  it("guards a program dbsafe does not know given a database subcommand, and a framework command by its name's words", async () => {
    const dir = tempDir('dbsafe-app-program-');
    try {
      const verdict = async (command: string) => classifyCommandLine({ command, cwd: dir.dir });
      expect(await verdict('superset db upgrade')).toMatchObject({ guarded: true, rule: 'program-subcommand' });
      expect(await verdict('airflow db migrate')).toMatchObject({ guarded: true, rule: 'program-subcommand' });
      expect(await verdict('helm upgrade web ./chart')).toMatchObject({ guarded: false });
      expect(await verdict('flutter upgrade')).toMatchObject({ guarded: false });
      expect(await verdict('go-bindata -pkg migrations .')).toMatchObject({ guarded: false });
      expect(await verdict('superset init')).toMatchObject({ guarded: true, rule: 'program-subcommand' });
      expect(await verdict('superset run -p 8088')).toMatchObject({ guarded: false });
      expect(await verdict('bin/papercups eval ChatApi.Release.migrate')).toMatchObject({ guarded: true, rule: 'program-subcommand' });
      expect(await verdict('bin/papercups eval "IO.puts(1)"')).toMatchObject({ guarded: false });
      expect(await verdict('python manage.py sync_replicated_schema')).toMatchObject({ guarded: true, rule: 'command-name-word' });
      expect(await verdict('bin/rake plugin:turbo_spec')).toMatchObject({ guarded: true, rule: 'command-name-word', kind: 'test' });
      expect((await verdict('superset db upgrade')).reason).toContain('commands.allow');
    } finally {
      dir.cleanup();
    }
  });
});

describe('justfiles', () => {
  it("reads the recipes of the files a justfile imports, a `#!` recipe as one script, and `{{ … }}` as a value known at run time", async () => {
    const dir = tempDir('dbsafe-justfile-');
    try {
      mkdirSync(path.join(dir.dir, 'justfiles'));
      writeFileSync(path.join(dir.dir, 'Justfile'), "import 'justfiles/db.just'\n\nlint:\n    #!/usr/bin/env bash\n    set -euo pipefail\n    if ! cargo fmt --all -- --check; then\n      exit 1\n    fi\n\nclippy *args:\n    cargo clippy --workspace {{ args }} -- -D warnings\n");
      writeFileSync(path.join(dir.dir, 'justfiles/db.just'), "db-migrate:\n    cargo sqlx migrate run --database-url $DATABASE_URL\n\ndb-reset target=\"0\":\n    #!/usr/bin/env bash\n    set -e\n    sqlx database reset -y --database-url {{ target }}\n\nfmt-check:\n    cargo fmt --check\n");
      const verdict = async (command: string) => classifyCommandLine({ command, cwd: dir.dir });
      expect(await verdict('just db-migrate')).toMatchObject({ guarded: true, rule: 'sqlx' });
      expect(await verdict('just db-reset')).toMatchObject({ guarded: true, rule: 'sqlx' });
      expect(await verdict('just fmt-check')).toMatchObject({ guarded: false });
      expect(await verdict('just lint')).toMatchObject({ guarded: false });
      expect(await verdict('just clippy')).toMatchObject({ guarded: false });
    } finally {
      dir.cleanup();
    }
  });
});

describe('mix aliases and make rule lines with comments', () => {
  it('judges `mix <alias>` by the tasks and shell commands of its steps, and ex_check by its .check.exs', async () => {
    const dir = tempDir('dbsafe-mix-');
    try {
      writeFileSync(
        path.join(dir.dir, 'mix.exs'),
        'defmodule App.MixProject do\n  defp aliases do\n    [\n      setup: ["deps.get", "common"],\n      common: ["compile", "ecto.reset"],\n      "test.setup": ["ecto.create --quiet", "ecto.migrate --quiet"],\n      test: ["ecto.create --quiet", "ecto.migrate --quiet", "test"],\n      "assets.deploy": ["tailwind default --minify", "phx.digest"],\n      seed: "run priv/repo/seeds.exs",\n      erd: ["compile", ~s(cmd [ -z "$MIX_ENV" ] && yarn run create-erd || echo none)],\n      "ecto.reset": ["ecto.drop", "ecto.setup", &remove_log/1]\n    ]\n  end\nend\n',
      );
      writeFileSync(path.join(dir.dir, '.check.exs'), '[\n  tools: [\n    # {:ex_unit, true},\n    {:ex_unit, false},\n    {:credo, "mix credo"}\n  ]\n]\n');
      const verdict = async (command: string) => classifyCommandLine({ command, cwd: dir.dir });
      expect(await verdict('mix setup')).toMatchObject({ guarded: true, rule: 'mix-ecto' });
      expect((await verdict('mix setup')).reason).toContain('mix alias "setup"');
      expect(await verdict('mix test.setup')).toMatchObject({ guarded: true, rule: 'mix-ecto' });
      expect(await verdict('mix test')).toMatchObject({ guarded: true });
      expect(await verdict('mix seed')).toMatchObject({ guarded: true, rule: 'mix-run-database-script' });
      expect(await verdict('mix assets.deploy')).toMatchObject({ guarded: false, rule: 'script-safe' });
      expect(await verdict('mix erd')).toMatchObject({ guarded: false });
      expect(await verdict('mix check')).toMatchObject({ guarded: false, rule: 'mix-check-without-tests' });
      expect(await verdict('mix check --config=tooling/.check.exs')).toMatchObject({ guarded: true, rule: 'mix-check' });
    } finally {
      dir.cleanup();
    }
  });

  it('reads a make target whose rule line ends in a comment holding `=`', async () => {
    const dir = tempDir('dbsafe-make-comment-');
    try {
      mkdirSync(path.join(dir.dir, 'scripts'));
      writeFileSync(path.join(dir.dir, 'Makefile'), 'signoff: ## Run the signoff script [exclude=<tag>]\n\t@if [ -n "$(exclude)" ]; then \\\n\t\t./scripts/signoff.sh --exclude $(exclude); \\\n\telse \\\n\t\t./scripts/signoff.sh; \\\n\tfi\n\nfmt: ## Format [check=1]\n\tgofmt -l .\n');
      writeFileSync(path.join(dir.dir, 'scripts/signoff.sh'), '#!/bin/bash\nset -e\nmix test\n');
      chmodSync(path.join(dir.dir, 'scripts/signoff.sh'), 0o755);
      const verdict = async (command: string) => classifyCommandLine({ command, cwd: dir.dir });
      expect(await verdict('make signoff')).toMatchObject({ guarded: true, rule: 'mix-test' });
      expect(await verdict('make fmt')).toMatchObject({ guarded: false });
    } finally {
      dir.cleanup();
    }
  });
});

describe('Spring Boot applications', () => {
  it('guards bootRun and spring-boot:run when the build declares Flyway or Liquibase, which run on start-up', async () => {
    const flyway = tempDir('dbsafe-gradle-');
    const plain = tempDir('dbsafe-gradle-plain-');
    try {
      writeFileSync(path.join(flyway.dir, 'build.gradle'), "plugins { id 'org.springframework.boot' version '3.3.0' }\ndependencies {\n  implementation 'org.flywaydb:flyway-core'\n}\n");
      writeFileSync(path.join(plain.dir, 'pom.xml'), '<project><dependencies><dependency><artifactId>spring-boot-starter-web</artifactId></dependency></dependencies></project>\n');
      mkdirSync(path.join(plain.dir, 'provider'));
      const verdict = async (command: string, dir: string) => classifyCommandLine({ command, cwd: dir });
      expect(await verdict('./gradlew bootRun', flyway.dir)).toMatchObject({ guarded: true, rule: 'spring-boot-run-migrates' });
      expect(await verdict('./gradlew :app:bootRun --args=--server.port=8081', flyway.dir)).toMatchObject({ guarded: true, rule: 'spring-boot-run-migrates' });
      expect(await verdict('./gradlew bootJar', flyway.dir)).toMatchObject({ guarded: false });
      expect(await verdict('./mvnw spring-boot:run', plain.dir)).toMatchObject({ guarded: false });
      writeFileSync(path.join(plain.dir, 'provider', 'pom.xml'), '<project><dependencies><dependency><artifactId>liquibase-core</artifactId></dependency></dependencies></project>\n');
      expect(await classifyCommandLine({ command: './mvnw spring-boot:run', cwd: plain.dir })).toMatchObject({ guarded: true, rule: 'spring-boot-run-migrates' });
    } finally {
      flyway.cleanup();
      plain.cleanup();
    }
  });
});
