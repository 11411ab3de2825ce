import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyCommandLine } from '../../src/rules/classify-line.js';
import { REPO_ROOT, runCli } from '../helpers/cli.js';
import { createCorpusProjects, describeFigures, figuresOf, HELD_ASIDE_CORPUS, HELD_ASIDE_FILE, PUBLIC_CORPUS, PUBLIC_CORPUS_FILES, type CorpusCase, type Figures } from './corpus-project.js';

/**
 * The public regression corpus and the held-aside set (test/corpus/), run
 * through the classifier and through the built CLI (`explain --batch`).
 * Targets: public recall 100% with at most 2% false alarms; held-aside recall
 * at least 98% with at most 3%. Until a target is met, the lines still
 * decided wrongly are listed in test/corpus/known-wrong.json, and a line may
 * leave that list but never join it.
 *
 * The regression corpus is public.json plus the retired held-aside sets
 * (PUBLIC_CORPUS_FILES in corpus-project.ts): held-aside.json (measured once
 * cleanly at recall 100% / false alarms 8.9%), held-aside-2.json (163 lines
 * from 15 repositories, measured once cleanly at recall 81.8% / false alarms
 * 0.0%, then at 95.5% / 0.0% before it was retired and tuned against) and
 * held-aside-3.json (430 lines, 198 guard and 232 pass, from 59
 * repositories, collected by someone who neither ran nor read the
 * classifier; measured once cleanly on 2026-12-07 at recall 94.9% (10
 * missed) / false alarms 8.2% (19 of 232), then retired into the regression
 * corpus and tuned against), and held-aside-4.json (490 lines, 222 guard
 * and 268 pass, from 75 repositories in no other set, collected the same
 * way; measured once cleanly on 2026-12-07, after the tuning on
 * held-aside-3, at recall 86.5% (30 missed) / false alarms 5.6% (15), then
 * retired into the regression corpus and tuned against; 11 lines from
 * Sylius/Sylius, a repository the tuning had just added to public.json, were
 * moved there and are not counted), and held-aside-5.json (328 lines, 138
 * guard and 190 pass, from 38 repositories in no other set, collected the
 * same way; measured once cleanly on 2026-12-07, after the tuning on
 * held-aside-4, at recall 85.5% (20 missed) / false alarms 16.3% (31), 21 of
 * those being `make` targets whose fixture held only the targets used; its
 * fixtures then got the repositories' whole Makefiles, and it was retired
 * into the regression corpus and tuned against), and held-aside-6.json
 * (456 lines, 182 guard and 274 pass, from 43 repositories in no other set:
 * Node, PHP, Ruby, Python, Rust, Go, Elixir, .NET, Java; collected the same
 * way with whole files in its fixtures; measured once cleanly on 2026-12-07,
 * after the tuning on held-aside-5, at recall 65.9% (62 missed) / false
 * alarms 16.1% (44), then retired into the regression corpus and tuned
 * against; the lines it still decides wrongly are in known-wrong.json). The
 * held-aside slot (HELD_ASIDE_FILE) names held-aside-7.json: 437 lines (179
 * guard, 258 pass) from 43 repositories in no other set, collected the same
 * way; its one clean measurement (2026-12-08, after the tuning on
 * held-aside-6): recall 83.2% (30 missed) / false alarms 10.5% (27).
 * known-wrong.json `heldAside` is the floor
 * measured on the set in the held-aside slot (HELD_ASIDE_FILE; recall may
 * rise, never fall; false alarms may fall, never rise; a new set starts at
 * the targets).
 */
const TARGETS = { public: { recall: 1, falseAlarms: 0.02 }, heldAside: { recall: 0.98, falseAlarms: 0.03 } };

interface KnownWrong {
  public: { misses: string[]; falseAlarms: string[] };
  /** Held-aside lines are not listed (the set is not tuned against); only the floor measured on the set in the held-aside slot is. */
  heldAside: { recall: number; falseAlarms: number };
}
const KNOWN: KnownWrong = JSON.parse(readFileSync(path.join(REPO_ROOT, 'test/corpus/known-wrong.json'), 'utf8')) as KnownWrong;

const key = (c: CorpusCase) => `${c.repo}: ${c.line}`;

let projects: ReturnType<typeof createCorpusProjects>;
beforeAll(() => {
  projects = createCorpusProjects();
});
afterAll(() => projects.cleanup());

async function classifyAll(cases: readonly CorpusCase[]): Promise<boolean[]> {
  const verdicts: boolean[] = [];
  for (const c of cases) verdicts.push((await classifyCommandLine({ command: c.line, cwd: projects.dirOf(c) })).guarded);
  return verdicts;
}

async function classifyAllWithCli(cases: readonly CorpusCase[]): Promise<boolean[]> {
  const input = cases.map((c) => JSON.stringify({ command: c.line, cwd: projects.dirOf(c) })).join('\n');
  const run = await runCli(['explain', '--batch'], { cwd: projects.dirOf({ line: '', label: 'pass', repo: '', path: '', kind: '' }), input });
  expect(run.code, run.stderr).toBe(0);
  const answers = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { guarded: boolean; rule: string });
  expect(answers).toHaveLength(cases.length);
  return answers.map((answer) => answer.guarded);
}

function expectPublicWithinKnown(figures: Figures): void {
  const newMisses = figures.misses.map(key).filter((k) => !KNOWN.public.misses.includes(k));
  const newFalseAlarms = figures.falseAlarms.map(key).filter((k) => !KNOWN.public.falseAlarms.includes(k));
  expect(newMisses, 'database commands the classifier no longer guards').toEqual([]);
  expect(newFalseAlarms, 'harmless commands the classifier now guards').toEqual([]);
}

describe('the public regression corpus', () => {
  it('is large, labelled both ways, and every kind comes from at least three repositories', () => {
    expect(PUBLIC_CORPUS.length).toBeGreaterThanOrEqual(600);
    expect(HELD_ASIDE_CORPUS.length).toBeGreaterThanOrEqual(150);
    const publicRepos = new Set(PUBLIC_CORPUS.map((c) => c.repo));
    // A retired set stays in the held-aside slot until its successor is collected; only a set not yet retired must be disjoint.
    if (!(PUBLIC_CORPUS_FILES as readonly string[]).includes(HELD_ASIDE_FILE)) expect(HELD_ASIDE_CORPUS.filter((c) => publicRepos.has(c.repo))).toEqual([]);
    // The kinds issue 17 lists, each labelled in the corpus's `kind` field.
    const kinds = {
      'path-word': 'scripts whose path says what they do',
      wrapper: 'wrappers and launchers that run another command',
      'script-runner': "other script runners read like npm's (composer, make, just, task, rake)",
      'migration-tool': 'more migration tools',
      'test-runner': 'test runners of other ecosystems',
      'hostile-launcher': 'forms that get past (launchers whose inner command must be extracted)',
      'install-lifecycle': 'install and publish lifecycles',
      'app-console': 'app consoles and runners',
      'script-edit': 'a line that edits package.json scripts',
      'false-alarm': 'what should not be guarded',
    };
    const labelled = new Set(PUBLIC_CORPUS.map((c) => c.kind));
    expect([...labelled].filter((kind) => !(kind in kinds) && kind !== 'other'), 'kinds the corpus uses but the issue does not list').toEqual([]);
    for (const [kind, what] of Object.entries(kinds)) {
      const repos = new Set(PUBLIC_CORPUS.filter((c) => c.kind === kind).map((c) => c.repo));
      expect(repos.size, `kind ${kind} (${what}): cases from different repositories`).toBeGreaterThanOrEqual(3);
    }
  });

  it('the classifier decides every public line as labelled, except the known list, which only shrinks', async () => {
    const figures = figuresOf(PUBLIC_CORPUS, await classifyAll(PUBLIC_CORPUS));
    console.log(describeFigures('public corpus (classifier)', figures));
    expectPublicWithinKnown(figures);
    const stale = [...KNOWN.public.misses, ...KNOWN.public.falseAlarms].filter((k) => ![...figures.misses, ...figures.falseAlarms].some((c) => key(c) === k));
    expect(stale, 'lines now decided right: remove them from test/corpus/known-wrong.json').toEqual([]);
    if (KNOWN.public.misses.length === 0) expect(figures.recall).toBe(TARGETS.public.recall);
    if (KNOWN.public.falseAlarms.length <= figures.passCases * TARGETS.public.falseAlarms) expect(figures.falseAlarmRate).toBeLessThanOrEqual(TARGETS.public.falseAlarms);
  });

  it('the held-aside set stays at or above its measured floor (target: recall 98%, false alarms 3%)', async () => {
    const figures = figuresOf(HELD_ASIDE_CORPUS, await classifyAll(HELD_ASIDE_CORPUS));
    console.log(describeFigures('held-aside set (classifier)', figures));
    expect(figures.recall).toBeGreaterThanOrEqual(Math.min(KNOWN.heldAside.recall, TARGETS.heldAside.recall));
    expect(figures.falseAlarmRate).toBeLessThanOrEqual(Math.max(KNOWN.heldAside.falseAlarms, TARGETS.heldAside.falseAlarms));
  });

  it('dbsafe explain --batch (the built CLI) gives the same figures on both sets', async () => {
    const publicFigures = figuresOf(PUBLIC_CORPUS, await classifyAllWithCli(PUBLIC_CORPUS));
    const heldFigures = figuresOf(HELD_ASIDE_CORPUS, await classifyAllWithCli(HELD_ASIDE_CORPUS));
    console.log(describeFigures('public corpus (CLI)', publicFigures));
    console.log(describeFigures('held-aside set (CLI)', heldFigures));
    expectPublicWithinKnown(publicFigures);
    expect(heldFigures.recall).toBeGreaterThanOrEqual(Math.min(KNOWN.heldAside.recall, TARGETS.heldAside.recall));
    expect(heldFigures.falseAlarmRate).toBeLessThanOrEqual(Math.max(KNOWN.heldAside.falseAlarms, TARGETS.heldAside.falseAlarms));
  }, 120_000);
});
