import { appendAuditEntry, auditContext, auditLogPath } from '../audit/log.js';
import { loadConfig } from '../config/load.js';
import { findProject } from '../config/project.js';
import { describeAgent, detectAgent } from '../consent/agents.js';
import { integrationsDisabled as integrationsSwitch } from '../consent/integrations.js';

/** DBSAFE=0 turns the integrations off for a person; an AI agent's session cannot (PRODUCT.md, "Consent"). */
export function integrationsDisabled(env: Record<string, string | undefined>): boolean {
  return integrationsSwitch(env).disabled;
}

/**
 * For a git hook: is it switched off by DBSAFE=0? A hook that steps aside
 * says so in the project's audit log (PRODUCT.md: DBSAFE=0 "is logged").
 */
export function hookSwitchedOff(hook: string, cwd: string, env: Record<string, string | undefined>): boolean {
  const decision = integrationsSwitch(env);
  if (!decision.disabled) return false;
  try {
    const project = findProject(cwd);
    const agent = detectAgent(env);
    appendAuditEntry(auditLogPath(project.root, loadConfig(project.root).config.backupDir), {
      time: new Date().toISOString(),
      operation: `hook ${hook}`,
      decision: 'integrations-disabled',
      rule: decision.reason,
      target: null,
      command: `git ${hook === 'pre-push' ? 'push' : 'commit'}`,
      backupId: null,
      exitCode: null,
      durationMs: 0,
      ...auditContext(cwd, env),
      agent: agent ? describeAgent(agent) : null,
    });
  } catch {
    // An unwritable audit log must not decide whether a commit goes through.
  }
  return true;
}
