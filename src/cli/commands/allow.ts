import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('allow')
    .description('let one refused command run once: shows the pending requests, you confirm one by typing its database name, at your own terminal')
    .argument('[code]', 'the code printed under a refusal (optional: without it, pick from the pending requests)')
    .action(async (code: string | undefined) => {
      const { allowOnce } = await import('../../consent/allow.js');
      await allowOnce(code, { env: process.env, cwd: process.cwd(), input: process.stdin, output: process.stdout });
    });
}
