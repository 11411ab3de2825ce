import type { Command } from 'commander';
import type { HealthCheck } from '../../health/judge.js';
import type { Target } from '../../target/types.js';
import { printable } from '../../printable.js';
import { out, printJson } from '../output.js';

interface HealthFlags {
  maxAge?: string;
  json?: boolean;
  notify?: boolean;
  identity?: string;
}

const DEFAULT_MAX_AGE = '24h';

function renderCheck(check: HealthCheck, width: number): string {
  const mark = check.ok ? out.green('✓') : out.red('✗');
  const line = `  ${mark} ${check.name.padEnd(width)}  ${printable(check.detail)}`;
  return check.fix ? `${line}\n      fix: ${printable(check.fix)}` : line;
}

export function register(program: Command): void {
  program
    .command('health')
    .description('is the newest file backup recent, large enough and intact (exit 0 healthy, 1 not); the newest snapshot is shown apart')
    .option('--max-age <duration>', `how old the newest backup may be: 30m, 12h, 2d (default: "healthMaxAge" in the config, else ${DEFAULT_MAX_AGE})`)
    .option('--identity <file>', 'the age identity (secret key file) that reads age-encrypted backups (or DBSAFE_AGE_IDENTITY_FILE)')
    .option('--json', 'print the verdict as JSON')
    .option('--notify', 'when not healthy, send the "unhealthy" notification (config "notify", DBSAFE_NOTIFY_URL): for cron and monitoring')
    .action(async (flags: HealthFlags) => {
      const [{ backupCommandSetting, requireTarget }, { parseDuration }, { gatherHealthFacts }, { judgeHealth, ageSeconds }, { healthMessages }, { describeTarget }] =
        await Promise.all([
          import('../backup-target.js'),
          import('../../config/duration.js'),
          import('../../health/facts.js'),
          import('../../health/judge.js'),
          import('../../health/messages.js'),
          import('../../target/describe.js'),
        ]);
      // A malformed flag is a usage error before anything is read.
      const flagSeconds = flags.maxAge === undefined ? undefined : parseDuration(flags.maxAge);
      if (flagSeconds === null) throw healthMessages.badMaxAge(flags.maxAge!);
      const setting = await backupCommandSetting(undefined, flags.identity);
      const notify = async (message: string) => {
        if (!flags.notify) return;
        const { sendNotification } = await import('../../notify/send.js');
        await sendNotification(setting.context, 'unhealthy', { database: setting.target ? describeTarget(setting.target) : null, message });
      };
      let target: Target;
      let gathered: Awaited<ReturnType<typeof gatherHealthFacts>>;
      let maxAgeSeconds: number;
      try {
        target = requireTarget(setting);
        const maxAgeText = flags.maxAge ?? setting.context.config.config.healthMaxAge ?? DEFAULT_MAX_AGE;
        maxAgeSeconds = flagSeconds ?? parseDuration(maxAgeText)!;
        gathered = await gatherHealthFacts(setting.store, target, { seconds: maxAgeSeconds, text: maxAgeText });
      } catch (error) {
        // A monitor running `health --notify` wants to hear that health could not even judge.
        await notify(error instanceof Error ? error.message : String(error));
        throw error;
      }
      const { facts, newest, newestSnapshot } = gathered;
      const verdict = judgeHealth(facts);
      process.exitCode = verdict.healthy ? 0 : 1;
      if (flags.json) {
        printJson({
          healthy: verdict.healthy,
          database: facts.database,
          engine: facts.engine,
          backupDir: setting.store.dir,
          maxAgeSeconds,
          newest: newest && {
            id: newest.manifest.id,
            path: newest.file,
            createdAt: newest.manifest.createdAt,
            ageSeconds: ageSeconds(newest.manifest, facts.now),
            size: facts.newest!.sizeOnDisk,
            recordedSize: newest.manifest.size,
            sha256: newest.manifest.sha256,
            trigger: newest.manifest.trigger,
          },
          // Apart from the file backups: on the server, gone with it.
          newestSnapshot: newestSnapshot && {
            id: newestSnapshot.manifest.id,
            createdAt: newestSnapshot.manifest.createdAt,
            ageSeconds: ageSeconds(newestSnapshot.manifest, facts.now),
            database: newestSnapshot.manifest.snapshot!.database,
            location: newestSnapshot.manifest.location,
            survivesLosingTheServer: false,
          },
          checks: verdict.checks,
        });
      } else {
        const width = Math.max(...verdict.checks.map((check) => check.name.length));
        const heading = printable(healthMessages.heading(describeTarget(target), verdict.healthy));
        process.stdout.write(`${verdict.healthy ? heading : out.bold(heading)}\n${verdict.checks.map((check) => renderCheck(check, width)).join('\n')}\n`);
      }
      if (!verdict.healthy) await notify(healthMessages.notification(setting.store.dir, verdict.checks));
    });
}
