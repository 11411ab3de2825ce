import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPrisma } from '../../../src/target/frameworks/prisma.js';
import type { FrameworkInput } from '../../../src/target/frameworks/types.js';
import { testProject } from './js-project.js';

// `prisma init --datasource-provider sqlite` (Prisma 6): prisma/schema.prisma with a
// generator and `url = env("DATABASE_URL")`, and .env with DATABASE_URL="file:./dev.db";
// `prisma migrate dev` then creates prisma/dev.db, next to the schema.
const PRISMA_INIT_SQLITE_SCHEMA = `// Prisma schema, as \`prisma init\` writes it

generator client {
  provider = "prisma-client-js"
}

datasource db {
  provider = "sqlite"
  url      = env("DATABASE_URL")
}

model User {
  id    Int    @id @default(autoincrement())
  email String @unique
}
`;
const PRISMA_INIT_ENV = `# Environment variables declared in this file are available to Prisma.\nDATABASE_URL="file:./dev.db"\n`;

// Vercel Postgres layout (vercel/examples storage/postgres-prisma/prisma/schema.prisma):
// pooled url from POSTGRES_PRISMA_URL, directUrl from POSTGRES_URL_NON_POOLING.
const VERCEL_POSTGRES_SCHEMA = `generator client {
  provider = "prisma-client-js"
}

datasource db {
  provider  = "postgresql"
  url       = env("POSTGRES_PRISMA_URL") // pooled connection
  directUrl = env("POSTGRES_URL_NON_POOLING") // direct connection
}
`;

// Prisma 7: the datasource block has no url; prisma.config.ts names it (prisma/skills
// prisma-orm-setup/references/v7-sqlite.md, tanstack/router examples/react/start-basic-auth).
const PRISMA7_SCHEMA = `generator client {\n  provider = "prisma-client"\n  output   = "../generated"\n}\n\ndatasource db {\n  provider = "sqlite"\n}\n`;
const PRISMA7_CONFIG = `import 'dotenv/config'
import { defineConfig, env } from 'prisma/config'

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: {
    path: 'prisma/migrations',
  },
  datasource: {
    url: env('DATABASE_URL'),
  },
})
`;

function withListing(input: FrameworkInput): FrameworkInput {
  return { ...input, listDirectory: (dir) => (fs.existsSync(dir) && fs.statSync(dir).isDirectory() ? fs.readdirSync(dir) : undefined) };
}

describe('readPrisma', () => {
  it('is null for a project without Prisma', () => {
    expect(readPrisma(testProject({ 'package.json': '{}' }).input())).toBeNull();
  });

  it("resolves prisma init's file:./dev.db relative to the schema file, where Prisma creates it", () => {
    const project = testProject({ 'prisma/schema.prisma': PRISMA_INIT_SQLITE_SCHEMA, '.env': PRISMA_INIT_ENV });
    const reading = readPrisma(project.input({ argv: ['npx', 'prisma', 'migrate', 'dev'] }))!;
    expect(reading.problems).toEqual([]);
    expect(reading.candidates).toEqual([
      {
        framework: 'prisma',
        label: 'prisma/schema.prisma datasource db (url: `prisma migrate dev` connects here)',
        url: 'file:./dev.db',
        relativeTo: path.join(project.root, 'prisma'),
        source: { file: path.join(project.root, 'prisma/schema.prisma'), key: 'datasource db.url', variable: 'DATABASE_URL' },
      },
    ]);
  });

  it('reads the create-t3-app SQLite layout (file:./db.sqlite next to the schema) for any way of starting prisma', () => {
    // create-t3-app with Prisma and SQLite: .env DATABASE_URL="file:./db.sqlite", prisma/schema.prisma as prisma init writes it.
    const project = testProject({ 'prisma/schema.prisma': PRISMA_INIT_SQLITE_SCHEMA, '.env': 'DATABASE_URL="file:./db.sqlite"\n' });
    for (const argv of [['pnpm', 'prisma', 'db', 'push'], ['npx', '--yes', 'prisma@6.2.1', 'db', 'push'], ['npm', 'exec', 'prisma', '--', 'db', 'push'], ['node_modules/.bin/prisma', 'db', 'push']]) {
      const [candidate] = readPrisma(project.input({ argv }))!.candidates;
      expect(candidate, argv.join(' ')).toMatchObject({ url: 'file:./db.sqlite', relativeTo: path.join(project.root, 'prisma'), label: 'prisma/schema.prisma datasource db (url: `prisma db push` connects here)' });
    }
  });

  it('reads the Vercel Postgres url and directUrl, and says migrate connects through directUrl', () => {
    const project = testProject({
      'prisma/schema.prisma': VERCEL_POSTGRES_SCHEMA,
      '.env': 'POSTGRES_PRISMA_URL="postgres://default:pw@ep-cool-1.us-east-1.postgres.vercel-storage.com:5432/verceldb?pgbouncer=true"\nPOSTGRES_URL_NON_POOLING="postgres://default:pw@ep-cool-1.us-east-1.postgres.vercel-storage.com:5432/verceldb"\n',
    });
    const reading = readPrisma(project.input({ argv: ['prisma', 'migrate', 'deploy'] }))!;
    expect(reading.problems).toEqual([]);
    expect(reading.candidates.map((c) => [c.label, c.url, c.source.variable])).toEqual([
      [
        'prisma/schema.prisma datasource db (url: the application\'s connection; `prisma migrate deploy` uses directUrl)',
        'postgres://default:pw@ep-cool-1.us-east-1.postgres.vercel-storage.com:5432/verceldb?pgbouncer=true',
        'POSTGRES_PRISMA_URL',
      ],
      ['prisma/schema.prisma datasource db (directUrl: `prisma migrate deploy` connects here)', 'postgres://default:pw@ep-cool-1.us-east-1.postgres.vercel-storage.com:5432/verceldb', 'POSTGRES_URL_NON_POOLING'],
    ]);
  });

  it('names the unset variable of the schema as a problem', () => {
    const project = testProject({ 'prisma/schema.prisma': VERCEL_POSTGRES_SCHEMA, '.env': 'POSTGRES_URL_NON_POOLING="postgres://localhost/app"\n' });
    const reading = readPrisma(project.input({ argv: ['prisma', 'db', 'push'] }))!;
    expect(reading.problems).toEqual([
      {
        framework: 'prisma',
        file: path.join(project.root, 'prisma/schema.prisma'),
        message: expect.stringMatching(/^prisma\/schema\.prisma names POSTGRES_PRISMA_URL for datasource db\.url, which is not set in the environment or \.env\. Set POSTGRES_PRISMA_URL/),
      },
    ]);
    expect(reading.candidates.map((c) => c.source.variable)).toEqual(['POSTGRES_URL_NON_POOLING']);
  });

  it('reads a literal url, a shadow database (created by the run) and the schema from package.json', () => {
    const project = testProject({
      'package.json': JSON.stringify({ prisma: { schema: 'db/app.prisma' } }),
      'db/app.prisma': `datasource db {\n  provider = "postgresql"\n  url = "postgresql://postgres@localhost:5432/app_dev?schema=public"\n  shadowDatabaseUrl = "postgresql://postgres@localhost:5432/app_shadow"\n}\n`,
    });
    const reading = readPrisma(project.input({ argv: ['npx', 'prisma', 'migrate', 'dev', '--name', 'init'] }))!;
    expect(reading.candidates).toMatchObject([
      { url: 'postgresql://postgres@localhost:5432/app_dev?schema=public', source: { key: 'datasource db.url' }, relativeTo: path.join(project.root, 'db') },
      { url: 'postgresql://postgres@localhost:5432/app_shadow', createdByRun: true, label: 'db/app.prisma datasource db (shadowDatabaseUrl: reset by `prisma migrate dev`)' },
    ]);
    expect(reading.candidates[0]?.source.variable).toBeUndefined();
  });

  it('follows --schema, and reports one that does not exist', () => {
    const project = testProject({ 'other/schema.prisma': PRISMA_INIT_SQLITE_SCHEMA, '.env': 'DATABASE_URL="file:./other.db"\n' });
    const reading = readPrisma(project.input({ argv: ['prisma', 'db', 'push', '--schema', 'other/schema.prisma'] }))!;
    expect(reading.candidates[0]).toMatchObject({ url: 'file:./other.db', relativeTo: path.join(project.root, 'other') });
    const missing = readPrisma(project.input({ argv: ['prisma', 'db', 'push', '--schema=nope.prisma'] }))!;
    expect(missing.problems[0]?.message).toMatch(/^--schema names nope\.prisma, which does not exist/);
  });

  it('reads the variable from prisma/.env, which Prisma 6 loads next to the schema', () => {
    const project = testProject({ 'prisma/schema.prisma': PRISMA_INIT_SQLITE_SCHEMA, 'prisma/.env': 'DATABASE_URL="postgresql://app@db.prod.internal:5432/app"\n' });
    const reading = readPrisma(project.input({ argv: ['prisma', 'migrate', 'reset'] }))!;
    expect(reading.candidates[0]?.url).toBe('postgresql://app@db.prod.internal:5432/app');
    expect(reading.variables).toEqual({ DATABASE_URL: { value: 'postgresql://app@db.prod.internal:5432/app', source: { file: path.join(project.root, 'prisma/.env'), variable: 'DATABASE_URL' } } });
  });

  it('reads Prisma 7 prisma.config.ts, resolving SQLite paths relative to the config file', () => {
    const project = testProject({ 'prisma/schema.prisma': PRISMA7_SCHEMA, 'prisma.config.ts': PRISMA7_CONFIG, '.env': 'DATABASE_URL="file:./dev.db"\n' });
    const reading = readPrisma(project.input({ argv: ['npx', 'prisma', 'migrate', 'dev'] }))!;
    expect(reading.problems).toEqual([]);
    expect(reading.candidates).toEqual([
      {
        framework: 'prisma',
        label: 'prisma.config.ts datasource (url: `prisma migrate dev` connects here)',
        url: 'file:./dev.db',
        relativeTo: project.root,
        source: { file: path.join(project.root, 'prisma.config.ts'), key: 'datasource.url', variable: 'DATABASE_URL' },
      },
    ]);
  });

  it('reads a production directUrl from prisma.config.ts with fallbacks', () => {
    const project = testProject({
      'prisma/schema.prisma': PRISMA7_SCHEMA.replace('sqlite', 'postgresql'),
      'prisma.config.ts': `import { defineConfig } from "prisma/config";\nexport default defineConfig({\n  datasource: {\n    url: process.env.POSTGRES_URL_NON_POOLING ?? process.env.POSTGRES_PRISMA_URL ?? "",\n  },\n});\n`,
    });
    const reading = readPrisma(project.input({ argv: ['prisma', 'db', 'push'], env: { POSTGRES_PRISMA_URL: 'postgres://u:p@aws-0-eu-central-1.pooler.supabase.com:6543/postgres' } }))!;
    expect(reading.candidates[0]).toMatchObject({ url: 'postgres://u:p@aws-0-eu-central-1.pooler.supabase.com:6543/postgres', source: { variable: 'POSTGRES_PRISMA_URL' } });
  });

  it('finds the datasource in a multi-file prisma/schema folder', () => {
    const project = testProject({
      'prisma/schema/models.prisma': 'model Post {\n  id Int @id\n}\n',
      'prisma/schema/schema.prisma': PRISMA_INIT_SQLITE_SCHEMA.replace(/model User \{[^}]*\}\n/, ''),
      '.env': PRISMA_INIT_ENV,
    });
    const reading = readPrisma(withListing(project.input({ argv: ['prisma', 'migrate', 'dev'] })))!;
    expect(reading.candidates[0]).toMatchObject({ url: 'file:./dev.db', relativeTo: path.join(project.root, 'prisma/schema'), source: { file: path.join(project.root, 'prisma/schema/schema.prisma') } });
    const unlisted = readPrisma(project.input({ argv: ['prisma', 'migrate', 'dev'] }))!;
    expect(unlisted.problems[0]?.message).toMatch(/^prisma\/schema is a multi-file Prisma schema, which dbsafe cannot list here/);
  });

  it('reports a schema whose datasource is not closed, and a config computed in code', () => {
    const broken = testProject({ 'prisma/schema.prisma': 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n' });
    expect(readPrisma(broken.input())!.problems[0]?.message).toBe(
      'prisma/schema.prisma cannot be read as a Prisma schema: the datasource block opened on line 1 is not closed. Fix it (`npx prisma validate` shows the error), or point dbsafe at the database with --url.',
    );
    const computed = testProject({
      'prisma/schema.prisma': PRISMA7_SCHEMA,
      'prisma.config.ts': `import { defineConfig } from 'prisma/config';\nimport { resolveDatabaseUrl } from './src/config/databaseUrl.js';\nconst databaseUrl = resolveDatabaseUrl();\nexport default defineConfig({ schema: 'prisma/schema.prisma', datasource: { url: databaseUrl } });\n`,
    });
    const reading = readPrisma(computed.input({ argv: ['prisma', 'migrate', 'deploy'] }))!;
    expect(reading.candidates).toEqual([]);
    expect(reading.problems[0]?.message).toMatch(/^prisma\.config\.ts computes datasource\.url in code \(resolveDatabaseUrl\(…\)\), which dbsafe does not run/);
  });

  it('reports a provider dbsafe cannot judge', () => {
    const project = testProject({ 'prisma/schema.prisma': 'datasource db {\n  provider = "sqlserver"\n  url = env("DATABASE_URL")\n}\n' });
    expect(readPrisma(project.input())!.problems[0]?.message).toMatch(/^prisma\/schema\.prisma uses provider "sqlserver", an engine dbsafe cannot back up or judge/);
  });
});
