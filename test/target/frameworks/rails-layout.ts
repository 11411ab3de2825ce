/**
 * Rails projects as `rails new` writes them, trimmed to what dbsafe reads.
 * database.yml shapes follow rails/rails railties/lib/rails/generators/rails/
 * app/templates/config/databases/postgresql.yml.tt and sqlite3.yml.tt (Rails
 * 7.x/8.x: `default: &default`, `<<: *default`, ENV.fetch("RAILS_MAX_THREADS")
 * { 5 }, Rails 8's storage/*.sqlite3 and its multi-database production entry).
 */
export const RAILS_GEMFILE = `source "https://rubygems.org"

# Bundle edge Rails instead: gem "rails", github: "rails/rails", branch: "main"
gem "rails", "~> 8.0.0"
gem "pg", "~> 1.1"
gem "puma", ">= 5.0"

group :development, :test do
  gem "debug", platforms: %i[ mri windows ], require: "debug/prelude"
end
`;

export const RAILS_APPLICATION_RB = `require_relative "boot"

require "rails/all"

Bundler.require(*Rails.groups)

module Shop
  class Application < Rails::Application
    config.load_defaults 8.0
  end
end
`;

export function railsPostgresYml(app: string, testDatabase = `${app}_test`): string {
  return `# PostgreSQL. Versions 9.3 and up are supported.
#
# Install the pg driver:
#   gem install pg
#
default: &default
  adapter: postgresql
  encoding: unicode
  # For details on connection pooling, see Rails configuration guide
  # https://guides.rubyonrails.org/configuring.html#database-pooling
  max_connections: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>


development:
  <<: *default
  database: ${app}_development

  # The specified database role being used to connect to PostgreSQL.
  #username: ${app}

  # Connect on a TCP socket. Omitted by default since the client uses a
  # domain socket that doesn't need configuration.
  #host: localhost

# Warning: The database defined as "test" will be erased and
# re-generated from your development database when you run "rake".
# Do not set this db to the same as development or production.
test:
  <<: *default
  database: ${testDatabase}

# On Heroku and other platform providers, you may have a full connection URL
# available as an environment variable. For example:
#
#   DATABASE_URL="postgres://myuser:mypass@localhost/somedatabase"
#
# You can use this database configuration with:
#
#   production:
#     url: <%= ENV["MY_APP_DATABASE_URL"] %>
#
production:
  primary: &primary_production
    <<: *default
    database: ${app}_production
    username: ${app}
    password: <%= ENV["${app.toUpperCase()}_DATABASE_PASSWORD"] %>
  cache:
    <<: *primary_production
    database: ${app}_production_cache
    migrations_paths: db/cache_migrate
  queue:
    <<: *primary_production
    database: ${app}_production_queue
    migrations_paths: db/queue_migrate
`;
}

export const RAILS_SQLITE_YML = `# SQLite. Versions 3.8.0 and up are supported.
#   gem install sqlite3
#
#   Ensure the SQLite 3 gem is defined in your Gemfile
#   gem "sqlite3"
#
default: &default
  adapter: sqlite3
  max_connections: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>
  timeout: 5000

development:
  <<: *default
  database: storage/development.sqlite3

# Warning: The database defined as "test" will be erased and
# re-generated from your development database when you run "rake".
# Do not set this db to the same as development or production.
test:
  <<: *default
  database: storage/test.sqlite3
`;

export function railsProject(databaseYml: string, overrides: Record<string, string> = {}): Record<string, string> {
  return { Gemfile: RAILS_GEMFILE, 'config/application.rb': RAILS_APPLICATION_RB, 'config/database.yml': databaseYml, ...overrides };
}
