import type { Colors } from '../cli/output.js';
import { formatBytes } from '../cli/progress.js';
import { integrationStatusLines, statusMessages } from '../integrations/messages.js';
import { ENGINE_LABELS } from '../target/types.js';
import type { DoctorFacts, DoctorFinding, DoctorVerdict } from './judge.js';
import { isPrivateMode } from './judge.js';
import { doctorMessages as say } from './messages.js';

const VERDICT_WORDS = { safe: 'SAFE', refused: 'REFUSED', error: 'ERROR' } as const;

function finding(mark: string, item: DoctorFinding): string[] {
  const lines = [`  ${mark} ${item.area}: ${item.message}`];
  if (item.fix) lines.push(`      fix: ${item.fix}`);
  return lines;
}

/** The human `dbsafe doctor` report: one section per concern, then what needs fixing. */
export function renderDoctor(facts: DoctorFacts, verdict: DoctorVerdict, c: Colors): string {
  const ok = c.green('✓');
  const bad = c.red('✗');
  const lines: string[] = [`dbsafe ${facts.dbsafe.version}, Node ${facts.dbsafe.node}`, ''];

  lines.push(c.bold('Project'), `  root    ${facts.project.root}`, `  config  ${facts.project.configFile ?? 'none (defaults)'}`);

  lines.push('', c.bold(`Databases (dbsafe check, offline: ${VERDICT_WORDS[facts.check.verdict]})`));
  if (facts.databases.length === 0) lines.push(`  ${say.noTarget}`);
  for (const db of facts.databases) lines.push(`  ${db.description}${db.primary ? '  (used and backed up by guarded commands)' : ''}`);

  if (facts.engine) {
    lines.push('', c.bold(`Client tools for ${ENGINE_LABELS[facts.engine]}`));
    const width = Math.max(...facts.tools.map((tool) => tool.name.length));
    for (const tool of facts.tools) {
      const usable = tool.path !== null && !tool.problem;
      lines.push(`  ${usable ? ok : tool.problem ? bad : c.dim('-')} ${tool.name.padEnd(width)}  ${usable ? `${tool.version ?? 'version unknown'}  ${c.dim(tool.path!)}` : say.toolMissing}`);
    }
    const toolPath = facts.toolPath;
    if (toolPath) lines.push('problem' in toolPath ? `  ${bad} ${say.toolPathUnknown}` : `  ${say.toolPath(toolPath.container, toolPath.why)}`);
    if (facts.server) {
      const server = facts.server;
      lines.push('', c.bold('Server'));
      lines.push(server.state === 'answered' ? `  ${ok} answers: ${server.version}` : `  ${c.yellow('!')} ${server.detail}`);
    }
  }

  if (facts.backups) {
    const b = facts.backups;
    lines.push('', c.bold('Backups'), `  directory  ${b.dir}${b.exists ? '' : ' (not created yet: the first backup creates it)'}`);
    if (b.exists) {
      lines.push(`  backups    ${b.count}, ${formatBytes(b.totalSize)}`);
      if (b.snapshots && b.snapshots.count > 0) lines.push(`  snapshots  ${b.snapshots.count} on the database server, at least ${formatBytes(b.snapshots.serverBytes)} there (they do not survive losing the server)`);
      lines.push(`  ${b.mode !== null && isPrivateMode(b.mode) ? ok : bad} private    mode 0${(b.mode ?? 0).toString(8)}`);
      const git = { ignored: `${ok} ignored by git`, 'not-ignored': `${bad} NOT ignored by git`, 'not-a-repo': '- not in a git repository', tracked: `${bad} backups already committed to git`, unignorable: `${bad} holds the project: git cannot ignore it` }[b.git];
      lines.push(`  ${git}`);
    }
  }

  if (facts.notifications) {
    const n = facts.notifications;
    const webhook = !n.webhook.set ? 'not set (DBSAFE_NOTIFY_URL)' : 'host' in n.webhook ? `${ok} set (host ${n.webhook.host})` : `${bad} ${n.webhook.problem}`;
    lines.push('', c.bold('Notifications'));
    if (!n.webhook.set && !n.command) lines.push(`  ${say.notifyNone}`);
    else lines.push(`  webhook  ${webhook}`, `  command  ${n.command ? 'set' : 'not set'}`, `  events   ${n.events.join(', ')}`);
  }

  if (facts.encryption) {
    const e = facts.encryption;
    lines.push('', c.bold('Encryption'));
    if (e.problem) lines.push(`  ${bad} key cannot be loaded (see the problems below)`);
    else if (e.publicKeys) {
      const p = e.publicKeys;
      lines.push(`  ${ok} new backups are encrypted with ${p.format} to ${p.recipients.join(', ')}`);
      if (p.format === 'age') lines.push(`  identity ${p.identity ?? 'none on this machine (restore and verify need --identity FILE or DBSAFE_AGE_IDENTITY_FILE)'}`);
    }
    else if (e.key) lines.push(`  ${e.encryptNewBackups ? `${ok} new backups are encrypted` : '- new backups are not encrypted (no "encryption" setting); the key reads encrypted ones'}`, `  key      ${e.key.source} (key id ${e.key.keyId})`);
    else lines.push(`  ${say.encryptionOff}`);
  }

  if (facts.offsite) {
    lines.push('', c.bold('Offsite'));
    for (const r of facts.offsite.remotes) {
      const last = r.last ? (r.last.ok ? `${ok} last upload ${r.last.at} worked` : `${bad} last upload ${r.last.at} failed (see the problems below)`) : '- no upload recorded yet';
      lines.push(`  ${r.remote}: ${r.toolPath ? r.toolPath : `${bad} ${r.tool} not installed`}; ${last}`);
    }
  }

  lines.push('', c.bold('Integrations'), ...integrationStatusLines(facts.integrations).map((line) => `  ${line}`));
  lines.push('', c.bold('Environment'));
  lines.push(`  DBSAFE=0      ${facts.environment.dbsafeZero ? (facts.environment.integrationsDisabled ? statusMessages.disabledByEnvironment : 'set, but ignored: an AI agent is detected') : 'not set'}`);
  lines.push(`  AI agent      ${facts.environment.agent ? `${facts.environment.agent.name} (${facts.environment.agent.variable})` : 'none detected'}`);

  if (verdict.notes.length > 0) lines.push('', c.bold('Notes'), ...verdict.notes.flatMap((note) => finding(c.yellow('!'), note)));
  lines.push('');
  if (verdict.ok) lines.push(c.green(say.summaryOk));
  else lines.push(c.bold(say.summaryProblems(verdict.problems.length)), ...verdict.problems.flatMap((problem) => finding(bad, problem)));
  return `${lines.join('\n')}\n`;
}
