import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDrizzle } from '../../../src/target/frameworks/drizzle.js';
import { testProject } from './js-project.js';

// drizzle-kit's documented config (orm.drizzle.team "Drizzle config file"; the same
// shape in many public repos, e.g. tangled.org atbb apps/appview/drizzle.postgres.config.ts).
const DOCS_POSTGRES_CONFIG = `import 'dotenv/config';
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  out: './drizzle',
  schema: './src/db/schema.ts',
  dialect: 'postgresql',
  dbCredentials: {
    url: process.env.DATABASE_URL!,
  },
});
`;

// The SQLite get-started page: DB_FILE_NAME=file:local.db in .env.
const DOCS_SQLITE_CONFIG = DOCS_POSTGRES_CONFIG.replace("'postgresql'", "'sqlite'").replace('DATABASE_URL', 'DB_FILE_NAME');

// create-t3-app's drizzle.config.ts: the validated env object, `satisfies Config`.
const T3_CONFIG = `import { type Config } from "drizzle-kit";

import { env } from "~/env";

export default {
  schema: "./src/server/db/schema.ts",
  dialect: "postgresql",
  dbCredentials: {
    url: env.DATABASE_URL,
  },
  tablesFilter: ["app_*"],
} satisfies Config;
`;

// The documented field-by-field form, with defaults after the variables.
const FIELDS_CONFIG = `import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "mysql",
  schema: "./src/schema.ts",
  dbCredentials: {
    host: process.env.DB_HOST || "127.0.0.1",
    port: Number(process.env.DB_PORT ?? 3306),
    user: "root",
    password: process.env.DB_PASSWORD,
    database: process.env.DB_NAME ?? "shop_dev",
    ssl: false,
  },
});
`;

describe('readDrizzle', () => {
  it('is null without a drizzle config', () => {
    expect(readDrizzle(testProject({ 'package.json': '{}' }).input())).toBeNull();
  });

  it('reads a local SQLite file named by DB_FILE_NAME, relative to where drizzle-kit runs', () => {
    const project = testProject({ 'drizzle.config.ts': DOCS_SQLITE_CONFIG, '.env': 'DB_FILE_NAME=file:local.db\n' });
    const reading = readDrizzle(project.input({ argv: ['npx', 'drizzle-kit', 'push'] }))!;
    expect(reading.problems).toEqual([]);
    expect(reading.candidates).toEqual([
      {
        framework: 'drizzle',
        label: 'drizzle.config.ts dbCredentials',
        url: 'file:local.db',
        relativeTo: project.root,
        source: { file: path.join(project.root, 'drizzle.config.ts'), key: 'dbCredentials.url', variable: 'DB_FILE_NAME' },
      },
    ]);
  });

  it('reads the production URL of the t3 layout through env.DATABASE_URL', () => {
    const project = testProject({ 'drizzle.config.ts': T3_CONFIG, '.env': 'DATABASE_URL="postgresql://app:pw@prod-db.c9akciq32.eu-west-1.rds.amazonaws.com:5432/app"\n' });
    const reading = readDrizzle(project.input({ argv: ['pnpm', 'drizzle-kit', 'push', '--force'] }))!;
    expect(reading.candidates[0]).toMatchObject({ url: 'postgresql://app:pw@prod-db.c9akciq32.eu-west-1.rds.amazonaws.com:5432/app', source: { variable: 'DATABASE_URL' } });
  });

  it('reads dbCredentials field by field with their written defaults', () => {
    const project = testProject({ 'drizzle.config.ts': FIELDS_CONFIG });
    const reading = readDrizzle(project.input({ argv: ['drizzle-kit', 'migrate'], env: { DB_PORT: '3307' } }))!;
    expect(reading.problems).toEqual([]);
    expect(reading.candidates[0]?.fields).toEqual({ engine: 'mysql', host: '127.0.0.1', port: '3307', user: 'root', database: 'shop_dev' });
    expect(reading.candidates[0]?.fieldSources?.database).toEqual({ file: path.join(project.root, 'drizzle.config.ts'), key: 'dbCredentials.database', variable: 'DB_NAME', isDefault: true });
  });

  it('reads configs that guard or load the environment first (public drizzle.config.ts forms)', () => {
    // e.g. KnowledgeBridge drizzle.config.ts (throw when DATABASE_URL is unset), tweakcn drizzle.config.ts (dotenv .env.local).
    const guarded = `import { defineConfig } from "drizzle-kit";\nif (!process.env.DATABASE_URL) {\n  throw new Error("DATABASE_URL, ensure the database is provisioned");\n}\nexport default defineConfig({\n  out: "./migrations",\n  schema: "./shared/schema.ts",\n  dialect: "postgresql",\n  dbCredentials: {\n    url: process.env.DATABASE_URL,\n  },\n});\n`;
    const dotenvFirst = `import "dotenv/config";\nimport { defineConfig } from "drizzle-kit";\nimport { config } from "dotenv";\n\nconfig({ path: ".env.local" });\n\nexport default defineConfig({\n  out: "./drizzle",\n  schema: "./db/schema.ts",\n  dialect: "postgresql",\n  dbCredentials: {\n    url: process.env.DATABASE_URL!,\n  },\n});\n`;
    for (const text of [guarded, dotenvFirst]) {
      const project = testProject({ 'drizzle.config.ts': text });
      const reading = readDrizzle(project.input({ env: { DATABASE_URL: 'postgres://localhost:5432/app' } }))!;
      expect(reading).toMatchObject({ problems: [], candidates: [{ url: 'postgres://localhost:5432/app', source: { variable: 'DATABASE_URL' } }] });
    }
  });

  it('follows --config to another file, and reports one that does not exist', () => {
    const project = testProject({ 'config/drizzle.prod.ts': DOCS_POSTGRES_CONFIG.replace('DATABASE_URL', 'PROD_DATABASE_URL') });
    const reading = readDrizzle(project.input({ argv: ['drizzle-kit', 'migrate', '--config=config/drizzle.prod.ts'], env: { PROD_DATABASE_URL: 'postgres://u@db.example.com/app' } }))!;
    expect(reading.candidates[0]?.source).toMatchObject({ file: path.join(project.root, 'config/drizzle.prod.ts'), variable: 'PROD_DATABASE_URL' });
    expect(readDrizzle(project.input({ argv: ['drizzle-kit', 'push', '--config', 'drizzle.nope.ts'] }))!.problems[0]?.message).toMatch(/^--config names drizzle\.nope\.ts, which does not exist/);
  });

  it('reports an unset variable, a computed URL, an unsupported driver and a syntax error', () => {
    const unset = testProject({ 'drizzle.config.ts': DOCS_POSTGRES_CONFIG });
    expect(readDrizzle(unset.input())!.problems.map((p) => p.message)).toEqual([expect.stringMatching(/^drizzle\.config\.ts names DATABASE_URL for dbCredentials, which is not set in the environment or \.env/)]);
    const computed = testProject({
      'drizzle.config.ts': `import { defineConfig } from 'drizzle-kit';\nimport { requireEnv } from './env';\nexport const DATABASE_URL = requireEnv('DATABASE_URL');\nexport default defineConfig({ dialect: 'postgresql', dbCredentials: { url: DATABASE_URL } });\n`,
    });
    expect(readDrizzle(computed.input())!.problems[0]?.message).toMatch(/^drizzle\.config\.ts computes dbCredentials\.url in code \(requireEnv\(…\)\), which dbsafe does not run/);
    const d1 = testProject({ 'drizzle.config.ts': `export default { dialect: 'sqlite', driver: 'd1-http', dbCredentials: { accountId: process.env.ID!, databaseId: 'x', token: 'y' } };\n` });
    expect(readDrizzle(d1.input())!.problems[0]?.message).toMatch(/uses driver "d1-http", an engine dbsafe cannot back up or judge/);
    const broken = testProject({ 'drizzle.config.js': 'module.exports = { dialect: "postgresql", /* unfinished\n' });
    expect(readDrizzle(broken.input())!.problems[0]?.message).toMatch(/^drizzle\.config\.js cannot be read as JavaScript\/TypeScript: a comment starting on line 1 is not closed/);
  });
});
