import path from 'node:path';

/**
 * The problems the JavaScript framework readers (Prisma, Drizzle, Knex,
 * Sequelize, TypeORM) report, each naming the cause and the fix.
 */

const FALLBACK = 'dbsafe judges the command on the environment\'s connection variables instead';

function shown(file: string, root: string): string {
  const relative = path.relative(root, file);
  return relative && !relative.startsWith('..') ? relative : file;
}

export const jsFrameworkMessages = {
  unreadable: (file: string, root: string, reason: string) =>
    `${shown(file, root)} exists but cannot be read (${reason}), so dbsafe cannot tell which database it names. Fix its permissions (chmod u+r ${shown(file, root)}).`,
  notParsable: (file: string, root: string, detail: string) =>
    `${shown(file, root)} cannot be read as JavaScript/TypeScript: ${detail}. Fix the syntax, or point dbsafe at the database with --url.`,
  notPrismaSchema: (file: string, root: string, detail: string) =>
    `${shown(file, root)} cannot be read as a Prisma schema: ${detail}. Fix it (\`npx prisma validate\` shows the error), or point dbsafe at the database with --url.`,
  notJson: (file: string, root: string, detail: string) =>
    `${shown(file, root)} is not valid JSON (${detail}). Fix the syntax, or point dbsafe at the database with --url.`,
  unsetVariable: (file: string, root: string, variable: string, what: string) =>
    `${shown(file, root)} names ${variable} for ${what}, which is not set in the environment or .env. Set ${variable} (in .env or the shell), or the command will fail or use another database.`,
  computed: (file: string, root: string, key: string, text: string) =>
    `${shown(file, root)} computes ${key} in code (${text}), which dbsafe does not run, so it cannot tell which database it names; ${FALLBACK}. Write the value literally or as process.env.NAME, or declare the database in dbsafe's config.`,
  noConfiguration: (file: string, root: string, what: string) =>
    `${shown(file, root)} has no ${what} dbsafe can read (it is built in code), so dbsafe cannot tell which database it names; ${FALLBACK}. Export the object literally, or declare the database in dbsafe's config.`,
  missingEnvironment: (file: string, root: string, environment: string, present: readonly string[]) =>
    `${shown(file, root)} has no "${environment}" environment (it has ${present.join(', ') || 'none'}), so the command will fail or use another configuration. Add "${environment}" to it, or choose an existing one with --env or NODE_ENV.`,
  unsupportedEngine: (file: string, root: string, name: string) =>
    `${shown(file, root)} uses ${name}, an engine dbsafe cannot back up or judge. Point dbsafe at a supported database with --url, or run the command without dbsafe.`,
  missingFile: (file: string, root: string, named: string) =>
    `${named} names ${shown(file, root)}, which does not exist, so the command will fail or read another configuration. Correct the path.`,
  noDatabase: (file: string, root: string, what: string) =>
    `${shown(file, root)} names no database for ${what}, so dbsafe cannot tell which database the command uses; ${FALLBACK}. Add a url (or host and database) to it.`,
  noDialect: (file: string, root: string, environment: string) =>
    `${shown(file, root)} names no dialect for "${environment}", so Sequelize refuses to connect and dbsafe cannot tell which database it is. Add "dialect" (postgres, mysql, mariadb or sqlite) to it.`,
  folderNotListed: (dir: string, root: string) =>
    `${shown(dir, root)} is a multi-file Prisma schema, which dbsafe cannot list here, so it cannot tell which database it names; ${FALLBACK}. Pass the file holding the datasource block with --schema.`,
} as const;
