import type { Command } from 'commander';
import { out, printJson, writeStdout } from '../output.js';

export function register(program: Command): void {
  program
    .command('doctor')
    .description('what is installed, which client tools and versions, what is active (exit 0 fine, 1 something to fix)')
    .option('--json', 'print the report as JSON')
    .action(async (flags: { json?: boolean }) => {
      const [{ gatherDoctorFacts }, { judgeDoctor }, { renderDoctor }] = await Promise.all([
        import('../../doctor/facts.js'),
        import('../../doctor/judge.js'),
        import('../../doctor/render.js'),
      ]);
      const facts = await gatherDoctorFacts(process.cwd(), process.env);
      const verdict = judgeDoctor(facts);
      process.exitCode = verdict.ok ? 0 : 1;
      if (flags.json) printJson({ ok: verdict.ok, ...facts, problems: verdict.problems, notes: verdict.notes });
      else writeStdout(renderDoctor(facts, verdict, out));
    });
}
