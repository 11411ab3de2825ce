/**
 * Command lines every integration must decide about exactly as
 * `dbsafe explain` does (issue #11, "one decision, everywhere"). They really
 * run in test/integrations/one-decision.test.ts, so every one is harmless:
 * the npm scripts and the `knex` binary of the corpus project are stand-ins
 * that only echo, `server.js` prints a line, `psql -l` lists databases. Never
 * put a destructive command line here.
 */
export interface CorpusLine {
  line: string;
  /** The line runs a package.json script through npm: the npm pre-script path sees it too. */
  npm: boolean;
}

export const DECISION_CORPUS: readonly CorpusLine[] = [
  { line: 'npm run lint', npm: true },
  { line: 'npm run build', npm: true },
  { line: 'npm start', npm: true },
  { line: 'npm run', npm: true },
  { line: 'npm --version', npm: false },
  { line: 'node server.js', npm: false },
  { line: 'node -e 1', npm: false },
  { line: 'npx knex --version', npm: false },
  { line: 'npx knex migrate:status', npm: false },
  { line: 'npx knex migrate:make add_orders', npm: false },
  { line: 'psql -l', npm: false },
  { line: 'npm test', npm: true },
  { line: 'npm run migrate', npm: true },
  { line: 'npm run db:seed', npm: true },
];

/** The stand-in scripts: each only echoes (start runs the stand-in server.js). */
export const CORPUS_SCRIPTS: Record<string, string> = {
  lint: 'echo corpus-lint-ran',
  build: 'echo corpus-build-ran',
  start: 'node server.js',
  test: `node -p "'corpus-test-ran'"`,
  migrate: `node -p "'corpus-migrate-ran'"`,
  'db:seed': `node -p "'corpus-seed-ran'"`,
};

export const CORPUS_FILES: Record<string, { text: string; mode?: number }> = {
  'server.js': { text: 'console.log("corpus server stand-in");\n' },
  'node_modules/.bin/knex': { text: '#!/bin/sh\necho "knex stand-in: $*"\n', mode: 0o755 },
};
