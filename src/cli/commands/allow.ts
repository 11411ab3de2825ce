import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('allow')
    .description('let one refused command run once: type the code printed with the refusal, at your own terminal')
    .argument('<code>', 'the code printed under the refusal')
    .action(async (code: string) => {
      const { allowOnce } = await import('../../consent/allow.js');
      await allowOnce(code, { env: process.env, cwd: process.cwd(), input: process.stdin, output: process.stdout });
    });
}
