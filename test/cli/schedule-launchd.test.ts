import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

/**
 * launchd cannot run here, so macOS scheduling is verified by simulation:
 * DBSAFE_SCHEDULER=launchd selects it, `launchctl` is a recorded-arguments
 * stand-in that keeps which labels are loaded, and the job is started the way
 * launchd starts it (WorkingDirectory, EnvironmentVariables, Umask, output
 * appended to StandardOutPath/StandardErrorPath).
 */
const LAUNCHCTL = `#!/bin/sh
printf '%s\\n' "$*" >> "$LAUNCHCTL_LOG"
state=$LAUNCHCTL_STATE
case $1 in
  bootstrap) label=$(basename "$3" .plist); [ -f "$3" ] || { echo "Bootstrap failed: 5: Input/output error" >&2; exit 5; }; touch "$state/$label" ;;
  bootout) label=\${2##*/}; [ -e "$state/$label" ] || { echo "Boot-out failed: 3: No such process" >&2; exit 3; }; rm -f "$state/$label" ;;
  print) label=\${2##*/}; [ -e "$state/$label" ] || exit 113 ;;
  *) exit 64 ;;
esac
`;

function setup() {
  const { dir } = tempDir('dbsafe-launchd-');
  const home = path.join(dir, 'home');
  const bin = path.join(dir, 'bin');
  const state = path.join(dir, 'loaded');
  const root = path.join(dir, 'shop');
  for (const d of [home, bin, state, root]) mkdirSync(d, { recursive: true });
  writeFileSync(path.join(bin, 'launchctl'), LAUNCHCTL, { mode: 0o755 });
  writeFileSync(path.join(root, '.env'), 'DATABASE_URL=sqlite:./app.db\n');
  writeFileSync(path.join(root, 'dbsafe.config.json'), '{}\n');
  spawnSync('sqlite3', [path.join(root, 'app.db'), "CREATE TABLE notes(body text); INSERT INTO notes VALUES ('kept');"]);
  const log = path.join(dir, 'launchctl.log');
  const env = { HOME: home, DBSAFE_SCHEDULER: 'launchd', LAUNCHCTL_LOG: log, LAUNCHCTL_STATE: state, PATH: `${bin}:${process.env.PATH}` };
  const calls = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);
  return { dir, home, root, state, env, calls, agentsDir: path.join(home, 'Library', 'LaunchAgents') };
}

type PlistValue = string | number | PlistValue[] | { [key: string]: PlistValue };
function readPlist(text: string): Record<string, PlistValue> {
  const nodes = new XMLParser({ preserveOrder: true, parseTagValue: false }).parse(text) as Array<Record<string, unknown>>;
  const value = (node: Record<string, unknown>): PlistValue => {
    const [tag, children] = Object.entries(node).find(([key]) => key !== ':@')! as [string, Array<Record<string, unknown>>];
    if (tag === 'string') return children.map((c) => String(c['#text'])).join('');
    if (tag === 'integer') return Number(children[0]!['#text']);
    if (tag === 'array') return children.map(value);
    const dict: Record<string, PlistValue> = {};
    for (let i = 0; i < children.length; i += 2) dict[String((children[i]!.key as Array<Record<string, unknown>>)[0]!['#text'])] = value(children[i + 1]!);
    return dict;
  };
  const plist = nodes.find((node) => 'plist' in node)!.plist as Array<Record<string, unknown>>;
  return value(plist[0]!) as Record<string, PlistValue>;
}

/** Start the job as launchd would: only the plist's environment, its directory and umask, output appended to the log. */
function runAsLaunchd(plistFile: string) {
  const plist = readPlist(readFileSync(plistFile, 'utf8'));
  const [program, ...args] = plist.ProgramArguments as string[];
  const log = plist.StandardOutPath as string;
  expect(plist.StandardErrorPath).toBe(log);
  const umask = (plist.Umask as number).toString(8).padStart(3, '0');
  return spawnSync('/bin/sh', ['-c', `umask ${umask} && exec "$@" >> "$0" 2>&1`, log, program!, ...args], {
    cwd: plist.WorkingDirectory as string,
    env: { ...(plist.EnvironmentVariables as Record<string, string>) },
    encoding: 'utf8',
  });
}

describe('dbsafe schedule through launchd (macOS, simulated)', () => {
  it('writes a LaunchAgent, loads it, shows it, and the job it describes takes a backup', async () => {
    const t = setup();
    const set = await runCli(['schedule', '--every', '6h'], { cwd: t.root, env: t.env });
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    expect(set.stdout).toMatch(/^Scheduled: a backup of .+shop every 6h\.\n/);
    const [file] = readdirSync(t.agentsDir);
    expect(file).toMatch(/^dev\.dbsafe\.backup\.[0-9a-f]{16}\.plist$/);
    const plistFile = path.join(t.agentsDir, file!);
    const label = file!.slice(0, -'.plist'.length);
    expect(t.calls()).toEqual([`bootout gui/${process.getuid!()}/${label}`, `bootstrap gui/${process.getuid!()} ${plistFile}`, `print gui/${process.getuid!()}/${label}`]);
    expect(existsSync(path.join(t.state, label))).toBe(true);
    expect(set.stdout).toContain(`agent:    ${plistFile}`);

    const shown = JSON.parse((await runCli(['schedule', '--json'], { cwd: t.root, env: t.env })).stdout) as Record<string, unknown>;
    expect(shown).toMatchObject({ scheduler: 'launchd', scheduled: true, every: '6h', file: plistFile, loaded: true, upToDate: true, line: null });

    const again = await runCli(['schedule', '--every', '6h'], { cwd: t.root, env: t.env });
    expect(again.stdout).toContain('Already scheduled');

    const job = runAsLaunchd(plistFile);
    expect(job.status).toBe(0);
    const listed = JSON.parse((await runCli(['list', '--json'], { cwd: t.root, env: t.env })).stdout) as Array<{ trigger: string; verified: boolean }>;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ trigger: 'scheduled', verified: true });
    const log = path.join(t.root, 'backups', 'schedule.log');
    expect(readFileSync(log, 'utf8')).toMatch(/dbsafe scheduled backup in .+\nBacked up SQLite file .+app\.db/);
    expect((statSync(log).mode & 0o777).toString(8)).toBe('600');

    const status = await runCli(['status', '--json'], { cwd: t.root, env: t.env });
    expect(JSON.parse(status.stdout).schedule).toMatchObject({ available: true, scheduler: 'launchd', scheduled: true, every: '6h' });
  });

  it('reports an agent that launchd has not loaded, and reloads it when scheduled again', async () => {
    const t = setup();
    expect((await runCli(['schedule', '--every', '1d'], { cwd: t.root, env: t.env })).code).toBe(0);
    for (const label of readdirSync(t.state)) spawnSync('rm', [path.join(t.state, label)]);
    const shown = await runCli(['schedule'], { cwd: t.root, env: t.env });
    expect(shown.stdout).toContain('launchd has not loaded it');
    const again = await runCli(['schedule', '--every', '1d'], { cwd: t.root, env: t.env });
    expect(again.stdout).toContain('Rescheduled');
    expect(readdirSync(t.state)).toHaveLength(1);
  });

  it('removes the agent with --remove, and uninstall removes every agent of dbsafe and nothing else', async () => {
    const t = setup();
    mkdirSync(t.agentsDir, { recursive: true });
    const foreign = path.join(t.agentsDir, 'com.example.other.plist');
    writeFileSync(foreign, '<?xml version="1.0"?><plist version="1.0"><dict/></plist>\n');
    expect((await runCli(['schedule', '--every', '30m'], { cwd: t.root, env: t.env })).code).toBe(0);
    const removed = await runCli(['schedule', '--remove'], { cwd: t.root, env: t.env });
    expect(removed.stdout).toBe(`Removed the scheduled backups of ${t.root} from your LaunchAgents.\n`);
    expect(readdirSync(t.agentsDir)).toEqual(['com.example.other.plist']);
    expect(readdirSync(t.state)).toEqual([]);

    expect((await runCli(['schedule', '--every', '30m'], { cwd: t.root, env: t.env })).code).toBe(0);
    const uninstalled = await runCli(['uninstall', '--cron'], { cwd: t.root, env: t.env });
    expect(uninstalled.code).toBe(0);
    expect(uninstalled.stdout).toContain('Removed the scheduled backups of 1 project from your LaunchAgents.');
    expect(readdirSync(t.agentsDir)).toEqual(['com.example.other.plist']);
    expect(t.calls().at(-1)).toMatch(/^bootout gui\/\d+\/dev\.dbsafe\.backup\./);
  });

  it('leaves nothing behind when launchctl refuses the agent, and says why and what to do', async () => {
    const t = setup();
    const failing = { ...t.env, LAUNCHCTL_STATE: path.join(t.dir, 'missing') };
    const set = await runCli(['schedule', '--every', '6h'], { cwd: t.root, env: failing });
    expect(set.code).not.toBe(0);
    expect(set.stderr).toMatch(/`launchctl bootstrap gui\/\d+ .+` failed: .*No backup was scheduled.*DBSAFE_SCHEDULER=cron/s);
    expect(readdirSync(t.agentsDir)).toEqual([]);
  });

  it('refuses an unknown scheduler name with the accepted ones', async () => {
    const t = setup();
    const set = await runCli(['schedule', '--every', '6h'], { cwd: t.root, env: { ...t.env, DBSAFE_SCHEDULER: 'systemd' } });
    expect(set.code).toBe(2);
    expect(set.stderr).toContain('DBSAFE_SCHEDULER is "systemd"');
  });
});
