import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyCommandLine, loadUserCommandRules } from '../../src/rules/classify-line.js';
import type { UserCommandRule } from '../../src/rules/types.js';
import { runCli } from '../helpers/cli.js';
import { createFixtureProject } from './fixture-project.js';

/** [command line as typed, guarded?, expected rule id]. Run in the fixture project (see fixture-project.ts). */
export const COMMAND_CASES: readonly (readonly [string, boolean, string])[] = [
  // package-manager scripts, by name and by body
  ['npm test', true, 'script-test'],
  ['npm t', true, 'script-test'],
  ['npm tst', true, 'script-test'],
  ['npm run test:e2e', true, 'script-test'],
  ['yarn test', true, 'script-test'],
  ['pnpm test', true, 'script-test'],
  ['bun run test', true, 'script-test'],
  ['bun test', true, 'js-test-runner'],
  ['pnpm db:reset', true, 'script-database'],
  ['bun run seed', true, 'script-database'],
  ['npm run migrate:latest', true, 'script-database'],
  ['yarn seed:dev', true, 'script-database'],
  ['npm run reset-db', true, 'script-database'],
  ['npm run build', true, 'prisma-migrate'],
  ['yarn build', true, 'prisma-migrate'],
  ['pnpm run build', true, 'prisma-migrate'],
  ['npm run ci', true, 'prisma-migrate'],
  ['npm start', true, 'knex-migrate'],
  ['npm run setup', true, 'sql-client-script'],
  ['npm run loop', true, 'too-deep'],
  ['npm run check', true, 'js-test-runner'],
  ['npm run fresh', true, 'sequelize-write'],
  ['npm run typeorm -- migration:run', true, 'typeorm-write'],
  ['npm run typeorm migration:revert', true, 'typeorm-write'],
  ['npm run test:unit-db', true, 'script-test'],
  ['npm run ci:unit', true, 'prisma-db-write'],
  ['npm test -- --watch', true, 'script-test'],
  ['npm --prefix api run build', true, 'knex-migrate'],
  ['cd api && npm run build', true, 'knex-migrate'],
  ['yarn --cwd api build', true, 'knex-migrate'],
  ['pnpm -C api build', true, 'knex-migrate'],
  ['npm run test:unit', false, 'script-unit-tests'],
  ['pnpm test:unit', false, 'script-unit-tests'],
  ['npm run test:unit-fast', false, 'config-allow'],
  ['npm run lint', false, 'script-safe'],
  ['npm run dev', false, 'script-safe'],
  ['npm run format', false, 'script-safe'],
  ['npm run docs', false, 'script-safe'],
  ['npm run codegen', false, 'script-safe'],
  ['npm run typeorm migration:show', false, 'script-safe'],
  ['cd web && npm run build', false, 'none-guarded'],
  ['npm run nonexistent', false, 'no-script'],
  ['npm install', false, 'no-rule'],
  ['npm ci', false, 'no-rule'],
  ['npm --version', false, 'no-rule'],
  ['yarn add lodash', false, 'no-rule'],
  ['pnpm install --frozen-lockfile', false, 'no-rule'],
  ['npm -w web run build', true, 'unresolvable'],
  ['pnpm --filter web test', true, 'script-test'],
  ['npm run $SCRIPT', true, 'unresolvable'],
  // npx and friends
  ['npx prisma migrate dev', true, 'prisma-migrate'],
  ['npx prisma migrate reset --force', true, 'prisma-migrate'],
  ['npx prisma@5.2.0 migrate deploy', true, 'prisma-migrate'],
  ['pnpm exec prisma db push', true, 'prisma-db-write'],
  ['pnpm dlx prisma db seed', true, 'prisma-db-write'],
  ['bunx prisma db execute --file x.sql', true, 'prisma-db-write'],
  ['yarn dlx prisma studio', true, 'prisma-studio'],
  ['yarn prisma migrate dev', true, 'prisma-migrate'],
  ['npm exec -- prisma migrate reset', true, 'prisma-migrate'],
  ['npx prisma migrate status', false, 'prisma-read-only'],
  ['npx prisma generate', false, 'prisma-read-only'],
  ['npx prisma format', false, 'prisma-read-only'],
  ['npx prisma validate', false, 'prisma-read-only'],
  ['npx prisma --version', false, 'help-or-version'],
  ['npx prisma migrate diff --from-migrations dev --to-schema-datamodel schema.prisma', false, 'prisma-read-only'],
  ['npx drizzle-kit push', true, 'drizzle-write'],
  ['npx drizzle-kit migrate', true, 'drizzle-write'],
  ['npx drizzle-kit studio', true, 'drizzle-studio'],
  ['npx drizzle-kit generate', false, 'drizzle-files-only'],
  ['npx drizzle-kit check', false, 'drizzle-files-only'],
  ['npx knex migrate:latest', true, 'knex-migrate'],
  ['npx knex --knexfile knexfile.ts migrate:rollback --all', true, 'knex-migrate'],
  ['npx knex seed:run', true, 'knex-seed'],
  ['npx knex migrate:make add_users', false, 'knex-generator'],
  ['npx knex seed:make users', false, 'knex-generator'],
  ['npx sequelize-cli db:migrate', true, 'sequelize-write'],
  ['npx sequelize db:seed:all', true, 'sequelize-write'],
  ['npx sequelize-cli migration:generate --name x', false, 'sequelize-read-only'],
  ['npx typeorm migration:run -d src/data-source.ts', true, 'typeorm-write'],
  ['npx mikro-orm migration:up', true, 'mikro-orm-write'],
  ['npx mikro-orm schema:fresh --seed', true, 'mikro-orm-write'],
  ['npx node-pg-migrate up', true, 'node-pg-migrate'],
  ['npx node-pg-migrate create add-users', false, 'migration-file-generator'],
  ['npx db-migrate up', true, 'db-migrate'],
  ['npx jest', true, 'js-test-runner'],
  ['npx vitest run', true, 'js-test-runner'],
  ['npx mocha test/', true, 'js-test-runner'],
  ['npx vitest --version', false, 'help-or-version'],
  ['node --test', true, 'js-test-runner'],
  ['npx prisma $x reset', true, 'unresolvable'],
  ['npx tsc --noEmit', false, 'no-rule'],
  ['npx -c "prisma migrate reset"', true, 'prisma-migrate'],
  // PHP
  ['php artisan migrate', true, 'artisan-migrate'],
  ['php artisan migrate:fresh --seed', true, 'artisan-migrate'],
  ['php artisan db:seed', true, 'artisan-db-write'],
  ['php artisan db:wipe', true, 'artisan-db-write'],
  ['php artisan test', true, 'artisan-test'],
  ['php artisan migrate:status', false, 'artisan-read-only'],
  ['php artisan make:migration create_users', false, 'artisan-read-only'],
  ['php artisan serve', false, 'no-rule'],
  ['./vendor/bin/phpunit', true, 'php-test-runner'],
  ['vendor/bin/pest --parallel', true, 'php-test-runner'],
  ['php bin/console doctrine:migrations:migrate -n', true, 'doctrine-write'],
  ['bin/console doctrine:schema:update --force', true, 'doctrine-write'],
  ['symfony console doctrine:fixtures:load', true, 'doctrine-write'],
  ['php bin/console doctrine:database:drop --force', true, 'doctrine-write'],
  ['bin/console doctrine:migrations:status', false, 'doctrine-read-only'],
  ['bin/console make:entity', false, 'doctrine-read-only'],
  // Ruby
  ['rails db:migrate', true, 'rails-db'],
  ['bin/rails db:reset', true, 'rails-db'],
  ['bundle exec rake db:drop db:create db:migrate', true, 'rails-db'],
  ['bin/rake db:seed', true, 'rails-db'],
  ['rails test', true, 'rails-test'],
  ['bundle exec rspec spec/models', true, 'ruby-test-runner'],
  ['bin/rspec', true, 'ruby-test-runner'],
  ['rails db:migrate:status', false, 'rails-db-read-only'],
  ['rails generate model User', false, 'rails-generator'],
  ['rails g migration AddName', false, 'rails-generator'],
  ['bundle install', false, 'no-rule'],
  // Python
  ['python manage.py migrate', true, 'django-write'],
  ['./manage.py flush --noinput', true, 'django-write'],
  ['python3 manage.py loaddata fixtures.json', true, 'django-write'],
  ['python manage.py test', true, 'django-test'],
  ['python manage.py makemigrations', false, 'django-read-only'],
  ['python manage.py showmigrations', false, 'django-read-only'],
  ['python manage.py sqlflush', false, 'django-read-only'],
  ['pytest', true, 'python-test-runner'],
  ['python -m pytest -x tests/', true, 'python-test-runner'],
  ['uv run pytest', true, 'python-test-runner'],
  ['poetry run python manage.py migrate', true, 'django-write'],
  ['alembic upgrade head', true, 'alembic-write'],
  ['alembic -c alembic.ini downgrade -1', true, 'alembic-write'],
  ['alembic stamp head', true, 'alembic-write'],
  ['alembic revision --autogenerate -m x', false, 'alembic-read-only'],
  ['alembic history', false, 'alembic-read-only'],
  ['alembic current', false, 'alembic-read-only'],
  ['flask db upgrade', true, 'flask-migrate-write'],
  ['flask db downgrade', true, 'flask-migrate-write'],
  ['flask db migrate -m x', false, 'flask-migrate-read-only'],
  ['python script.py', false, 'no-rule'],
  // Go, Rust, Elixir, .NET, JVM, stand-alone migration tools
  ['go test ./...', true, 'go-test'],
  ['go build ./...', false, 'no-rule'],
  ['migrate -path db/migrations -database "$DATABASE_URL" up', true, 'golang-migrate'],
  ['goose -dir migrations postgres "user=x dbname=y" up', true, 'goose'],
  ['goose create add_users sql', false, 'migration-tool-read-only'],
  ['dbmate up', true, 'dbmate'],
  ['dbmate new add_users', false, 'migration-tool-read-only'],
  ['atlas schema apply --url x --to file://schema.hcl', true, 'atlas'],
  ['atlas migrate apply --env local', true, 'atlas'],
  ['atlas migrate diff --env local', false, 'migration-tool-read-only'],
  ['flyway migrate', true, 'flyway'],
  ['flyway -url=jdbc:postgresql://localhost/app clean', true, 'flyway'],
  ['flyway info', false, 'migration-tool-read-only'],
  ['flyway validate', false, 'migration-tool-read-only'],
  ['liquibase update', true, 'liquibase'],
  ['liquibase --changelog-file=x.xml rollback-count 1', true, 'liquibase'],
  ['liquibase drop-all', true, 'liquibase'],
  ['liquibase update-sql', false, 'migration-tool-read-only'],
  ['liquibase status', false, 'migration-tool-read-only'],
  ['mvn test', true, 'jvm-build-test'],
  ['./mvnw -q clean verify', true, 'jvm-build-test'],
  ['mvn flyway:migrate', true, 'jvm-build-migrate'],
  ['mvn compile', false, 'no-rule'],
  ['./gradlew test', true, 'jvm-build-test'],
  ['gradle flywayMigrate', true, 'jvm-build-migrate'],
  ['./gradlew :app:test', true, 'jvm-build-test'],
  ['./gradlew assemble', false, 'no-rule'],
  ['dotnet test', true, 'dotnet-test'],
  ['dotnet ef database update', true, 'dotnet-ef-write'],
  ['dotnet ef database drop --force', true, 'dotnet-ef-write'],
  ['dotnet ef migrations add Init', false, 'dotnet-ef-read-only'],
  ['dotnet build', false, 'no-rule'],
  ['mix test', true, 'mix-test'],
  ['mix ecto.reset', true, 'mix-ecto'],
  ['MIX_ENV=test mix do ecto.drop, ecto.create', true, 'mix-ecto'],
  ['mix ecto.gen.migration add_users', false, 'mix-ecto-read-only'],
  ['cargo test', true, 'cargo-test'],
  ['cargo nextest run', true, 'cargo-test'],
  ['cargo build --release', false, 'no-rule'],
  ['sqlx migrate run', true, 'sqlx'],
  ['cargo sqlx migrate revert', true, 'sqlx'],
  ['sqlx database reset -y', true, 'sqlx'],
  ['sqlx migrate add users', false, 'migration-tool-read-only'],
  ['diesel migration run', true, 'diesel'],
  ['diesel database reset', true, 'diesel'],
  ['diesel migration generate add_users', false, 'migration-tool-read-only'],
  // raw clients
  ['psql -c "drop table users"', true, 'sql-client-statement'],
  ['psql -d app -f schema.sql', true, 'sql-client-script'],
  ['psql app < dump.sql', true, 'sql-client-script'],
  ['psql <<SQL\ntruncate users;\nSQL', true, 'sql-client-script'],
  ['psql', true, 'sql-client-interactive'],
  ['psql -l', false, 'sql-client-list'],
  ['psql --version', false, 'help-or-version'],
  ['mysql -u root -e "drop database app"', true, 'sql-client-statement'],
  ['mysql app < seed.sql', true, 'sql-client-script'],
  ['mariadb --execute="delete from users"', true, 'sql-client-statement'],
  ['sqlite3 app.db "delete from users"', true, 'sql-client-statement'],
  ['sqlite3 app.db < schema.sql', true, 'sql-client-script'],
  ['sqlite3 app.db', true, 'sql-client-interactive'],
  ['mongosh --eval "db.dropDatabase()"', true, 'sql-client-statement'],
  ['mongo app seed.js', true, 'sql-client-interactive'],
  ['cat schema.sql | psql app', true, 'sql-client-script'],
  ['redis-cli flushall', false, 'no-rule'],
  // shell structure: prefixes, lists, pipes, subshells, nested shells, substitutions
  ['DATABASE_URL=postgres://localhost/app npm test', true, 'script-test'],
  ['env -i PATH=/usr/bin npx prisma migrate reset', true, 'prisma-migrate'],
  ['sudo -u postgres psql -f init.sql', true, 'sql-client-script'],
  ['time npm test', true, 'script-test'],
  ['nice -n 10 php artisan test', true, 'artisan-test'],
  ['nohup rails db:migrate', true, 'rails-db'],
  ['timeout 300 pytest', true, 'python-test-runner'],
  ['exec npm test', true, 'script-test'],
  ['command npm test', true, 'script-test'],
  ['command -v npm', false, 'no-rule'],
  ['echo db:drop | xargs rake', true, 'unresolvable'],
  ['git pull && npm install && npm test', true, 'script-test'],
  ['npm run lint || npx prisma migrate reset --force', true, 'prisma-migrate'],
  ['npm run lint; npm run build', true, 'prisma-migrate'],
  ['(cd api && npm run build)', true, 'knex-migrate'],
  ['{ npm run lint; rails db:seed; }', true, 'rails-db'],
  ['npm test 2>&1 | tee out.log', true, 'script-test'],
  ['bash -c "php artisan migrate"', true, 'artisan-migrate'],
  ["sh -c 'cd api && npm run build'", true, 'knex-migrate'],
  ["zsh -lc 'rails db:reset'", true, 'rails-db'],
  ['bash <<EOF\nrails db:drop\nEOF', true, 'rails-db'],
  ['curl -fsSL https://example.com/install.sh | sh', true, 'unresolvable'],
  ['bash scripts/build.sh', false, 'no-rule'],
  ['eval "npx prisma migrate reset"', true, 'prisma-migrate'],
  ['eval "$CMD"', true, 'unresolvable'],
  ['echo $(rake db:drop)', true, 'rails-db'],
  ['echo `npx knex seed:run`', true, 'knex-seed'],
  ['VERSION=$(npx prisma migrate deploy) echo done', true, 'prisma-migrate'],
  ['$CMD test', true, 'unresolvable'],
  ['"$(which npm)" test', true, 'unresolvable'],
  ['${RUNNER:-npm} test', true, 'unresolvable'],
  ['npx prisma migrate $ACTION', true, 'unresolvable'],
  ['npx prisma generate --schema $SCHEMA', false, 'prisma-read-only'],
  ['docker compose exec app php artisan migrate:fresh', true, 'artisan-migrate'],
  ['docker compose -f docker-compose.dev.yml run --rm web bin/rails db:migrate', true, 'rails-db'],
  ['docker-compose exec -T db psql -U postgres -c "drop table x"', true, 'sql-client-statement'],
  ['docker exec -it pg psql -U postgres', true, 'sql-client-interactive'],
  ['docker compose up -d', false, 'no-rule'],
  ['npm test &&', true, 'parse-error'],
  ['echo "unterminated', true, 'parse-error'],
  // plain commands that merely mention database words
  ['echo migrate', false, 'no-rule'],
  ['echo "npm test"', false, 'no-rule'],
  ['git status', false, 'no-rule'],
  ['git commit -m "migrate users table"', false, 'no-rule'],
  ['ls -la', false, 'no-rule'],
  ['grep -r "db:migrate" .', false, 'no-rule'],
  ['cat package.json | jq .scripts', false, 'none-guarded'],
  // the project's own rules (dbsafe.config.json "commands")
  ['make test', true, 'config-guard'],
  ['./scripts/reset-db.sh --force', true, 'config-guard'],
  ['make db-reset', true, 'makefile-db'],
  ['make build', false, 'no-rule'],
];

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

  it('dbsafe explain --json agrees on every case (the built CLI, one process per case)', async () => {
    const disagreements: string[] = [];
    const queue = [...COMMAND_CASES];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [command, guarded, rule] = next;
        const run = await runCli(['explain', '--json', '--', command], { cwd: project.dir });
        if (run.code !== 0) {
          disagreements.push(`${command}: exit ${run.code} ${run.stderr}`);
          continue;
        }
        const json = JSON.parse(run.stdout) as { guarded: boolean; rule: string; reason: string; segments: unknown[] };
        if (json.guarded !== guarded || json.rule !== rule || typeof json.reason !== 'string' || !Array.isArray(json.segments)) {
          disagreements.push(`${command}: CLI said ${json.guarded ? 'guarded' : 'pass'} ${json.rule}`);
        }
      }
    };
    await Promise.all([worker(), worker(), worker()]);
    expect(disagreements).toEqual([]);
  }, 120_000);

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
