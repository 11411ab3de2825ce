/**
 * Prints every line of each corpus file that the classifier decides against
 * its label, with the deciding rule and reason, and the figures per file.
 * Build and run: npx esbuild test/rules/corpus-wrong.ts --bundle --platform=node --format=esm --packages=external --outfile=test/rules/.corpus-wrong.mjs && node test/rules/.corpus-wrong.mjs [FILE…]
 * With no FILE: every regression corpus file plus the held-aside slot.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { classifyCommandLine } from '../../src/rules/classify-line.js';
import { createCorpusProjects, describeFigures, figuresOf, HELD_ASIDE_FILE, PUBLIC_CORPUS_FILES, type CorpusCase } from './corpus-project.js';
import { REPO_ROOT } from '../helpers/cli.js';

const files = process.argv.slice(2).length ? process.argv.slice(2) : [...new Set<string>([...PUBLIC_CORPUS_FILES, HELD_ASIDE_FILE])];
const projects = createCorpusProjects();
try {
  for (const file of files) {
    const cases = JSON.parse(readFileSync(path.join(REPO_ROOT, 'test/corpus', file), 'utf8')) as CorpusCase[];
    const guarded: boolean[] = [];
    for (const c of cases) {
      const verdict = await classifyCommandLine({ command: c.line, cwd: projects.dirOf(c) });
      guarded.push(verdict.guarded);
      if (verdict.guarded !== (c.label === 'guard')) {
        console.log(`${c.label === 'guard' ? 'MISS ' : 'FALSE'} ${file} ${c.repo}${c.fixture ? ` [${c.fixture}]` : ''}: ${c.line}\n      → ${verdict.rule}: ${verdict.reason}`);
      }
    }
    console.log(describeFigures(file, figuresOf(cases, guarded)));
  }
} finally {
  projects.cleanup();
}
