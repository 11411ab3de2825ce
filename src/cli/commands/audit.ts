import type { Command } from 'commander';
import { DbsafeError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { printJson } from '../output.js';

export function register(program: Command): void {
  program
    .command('audit')
    .description('show the audit log: every guarded run, refusal and override, newest last')
    .option('-n, --lines <N>', 'show only the newest N entries', '20')
    .option('--json', 'print the entries as JSON')
    .action(async (options: { lines: string; json?: boolean }) => {
      const { auditMessages } = await import('../../audit/messages.js');
      const count = Number(options.lines);
      if (!/^\d+$/.test(options.lines) || count < 1) throw new DbsafeError('usage', auditMessages.badCount(options.lines), ExitCode.usage);
      const { findProject } = await import('../../config/project.js');
      const { loadConfig } = await import('../../config/load.js');
      const { auditLogPath, readAuditLog } = await import('../../audit/log.js');
      const project = findProject(process.cwd());
      const file = auditLogPath(project.root, loadConfig(project.root).config.backupDir);
      const reading = readAuditLog(file);
      for (const skipped of reading.skipped) process.stderr.write(`dbsafe: warning: ${auditMessages.skippedLine(file, skipped.line, skipped.problem)}\n`);
      const entries = reading.entries.slice(-count);
      if (options.json) {
        printJson(entries);
        return;
      }
      if (!reading.exists) {
        process.stdout.write(`${auditMessages.noLog(file)}\n`);
        return;
      }
      const { formatAuditTable } = await import('../../audit/format.js');
      process.stdout.write(formatAuditTable(entries));
    });
}
