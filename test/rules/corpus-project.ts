import { readFileSync, readdirSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, tempDir } from '../helpers/cli.js';

/**
 * The public regression corpus (test/corpus/): command lines taken verbatim
 * from public repositories, each labelled guard/pass with the repository and
 * file it came from. A line that needs its project to be judged (`npm run X`,
 * `composer test`, `make test`) names a fixture: the scripts of the
 * package.json/composer.json and the Makefile/justfile targets next to it.
 * The lines are data for the classifier only: nothing here runs them.
 */
export interface CorpusCase {
  line: string;
  label: 'guard' | 'pass';
  repo: string;
  path: string;
  kind: string;
  fixture?: string;
  /** Why the label is what it is, where the line alone does not say. */
  note?: string;
}

interface Fixture {
  'package.json'?: Record<string, string>;
  'composer.json'?: Record<string, string | string[] | Record<string, string>>;
  makefile?: { file: string; targets: Record<string, { prerequisites: string[]; recipe: string[] }> };
  /** Workspace packages (directory relative to the root → scripts), listed in the root package.json `workspaces`. */
  workspace?: Record<string, Record<string, string>>;
  /** Files copied verbatim from the repository (path relative to the project → text): Makefile, Rakefile, lib/tasks/*.rake, package.json… */
  files?: Record<string, string>;
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(path.join(REPO_ROOT, 'test/corpus', file), 'utf8')) as T;
}

/**
 * The regression corpus: public.json plus the retired held-aside sets. Each
 * held-aside set was measured cleanly once and then tuned against, so it
 * became part of the regression corpus (held-aside.json first, then
 * held-aside-2.json, held-aside-3.json, held-aside-4.json, held-aside-5.json and held-aside-6.json).
 */
export const PUBLIC_CORPUS_FILES = ['public.json', 'held-aside.json', 'held-aside-2.json', 'held-aside-3.json', 'held-aside-4.json', 'held-aside-5.json', 'held-aside-6.json'] as const;
/**
 * The set kept aside (not tuned against); a new set replaces it here when the current one is retired. Its fixtures are in fixtures-7.json.
 */
export const HELD_ASIDE_FILE = 'held-aside-7.json';

export const PUBLIC_CORPUS: readonly CorpusCase[] = PUBLIC_CORPUS_FILES.flatMap((file) => readJson<CorpusCase[]>(file));
export const HELD_ASIDE_CORPUS: readonly CorpusCase[] = readJson<CorpusCase[]>(HELD_ASIDE_FILE);

/** Every fixtures*.json in test/corpus, merged: one file per collected set keeps parallel additions apart. */
function readFixtures(): Record<string, Fixture> {
  const files = readdirSync(path.join(REPO_ROOT, 'test/corpus')).filter((file) => /^fixtures(-[\w-]+)?\.json$/.test(file)).sort();
  const merged: Record<string, Fixture> = {};
  for (const file of files) {
    for (const [key, fixture] of Object.entries(readJson<Record<string, Fixture>>(file))) {
      if (key in merged) throw new Error(`test/corpus/${file}: fixture "${key}" is already defined in another fixtures file; give it a distinct key`);
      merged[key] = fixture;
    }
  }
  return merged;
}
const FIXTURES = readFixtures();

function makefileText(makefile: NonNullable<Fixture['makefile']>): string {
  const indent = makefile.file === 'Makefile' ? '\t' : '    ';
  return Object.entries(makefile.targets)
    .map(([target, { prerequisites, recipe }]) => `${[`${target}:`, ...prerequisites].join(' ')}\n${recipe.map((line) => `${indent}${line}`).join('\n')}\n`)
    .join('\n');
}

/** One directory per fixture (plus one empty project) under a temporary root; `dirOf` says where a case runs. */
export function createCorpusProjects(): { dirOf: (c: CorpusCase) => string; cleanup: () => void } {
  const root = tempDir('dbsafe-corpus-');
  const empty = path.join(root.dir, 'empty');
  mkdirSync(empty);
  const dirs = new Map<string, string>();
  for (const [index, [key, fixture]] of Object.entries(FIXTURES).entries()) {
    const dir = path.join(root.dir, `project-${index}`);
    mkdirSync(dir);
    const workspaces = fixture.workspace ? Object.keys(fixture.workspace) : undefined;
    if (fixture['package.json']) writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `corpus-${index}`, scripts: fixture['package.json'], workspaces }, null, 2));
    for (const [relative, scripts] of Object.entries(fixture.workspace ?? {})) {
      mkdirSync(path.join(dir, relative), { recursive: true });
      writeFileSync(path.join(dir, relative, 'package.json'), JSON.stringify({ name: relative, scripts }, null, 2));
    }
    if (fixture['composer.json']) writeFileSync(path.join(dir, 'composer.json'), JSON.stringify({ name: `corpus/p${index}`, scripts: fixture['composer.json'] }, null, 2));
    if (fixture.makefile) writeFileSync(path.join(dir, fixture.makefile.file), makefileText(fixture.makefile));
    for (const [relative, text] of Object.entries(fixture.files ?? {})) {
      mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
      writeFileSync(path.join(dir, relative), text);
    }
    dirs.set(key, dir);
  }
  return { dirOf: (c) => (c.fixture ? dirs.get(c.fixture)! : empty), cleanup: root.cleanup };
}

export interface Figures {
  size: number;
  guardCases: number;
  passCases: number;
  recall: number;
  falseAlarmRate: number;
  misses: CorpusCase[];
  falseAlarms: CorpusCase[];
}

/** Recall over the guard-labelled lines, false alarms over the pass-labelled ones. */
export function figuresOf(cases: readonly CorpusCase[], guarded: readonly boolean[]): Figures {
  const misses = cases.filter((c, i) => c.label === 'guard' && !guarded[i]);
  const falseAlarms = cases.filter((c, i) => c.label === 'pass' && guarded[i]);
  const guardCases = cases.filter((c) => c.label === 'guard').length;
  const passCases = cases.length - guardCases;
  return {
    size: cases.length,
    guardCases,
    passCases,
    recall: guardCases === 0 ? 1 : (guardCases - misses.length) / guardCases,
    falseAlarmRate: passCases === 0 ? 0 : falseAlarms.length / passCases,
    misses,
    falseAlarms,
  };
}

export function describeFigures(name: string, f: Figures): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return `${name}: ${f.size} lines (${f.guardCases} guard, ${f.passCases} pass): recall ${pct(f.recall)} (${f.misses.length} missed), false alarms ${pct(f.falseAlarmRate)} (${f.falseAlarms.length})`;
}
