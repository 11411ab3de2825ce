import { describe, expect, it } from 'vitest';
import { detectAgent } from '../../src/consent/agents.js';
import { consentBinding, generateCode, normalizeCode, CODE_ALPHABET } from '../../src/consent/code.js';
import { integrationsDisabled } from '../../src/consent/integrations.js';
import { dbsafeInvocation } from '../../src/consent/invocation.js';

describe('detectAgent', () => {
  it.each([
    [{ CLAUDECODE: '1' }, 'Claude Code', 'CLAUDECODE'],
    [{ CLAUDE_CODE_ENTRYPOINT: 'cli' }, 'Claude Code', 'CLAUDE_CODE_ENTRYPOINT'],
    [{ CURSOR_AGENT: '1' }, 'Cursor agent', 'CURSOR_AGENT'],
    [{ GEMINI_CLI: '1' }, 'Gemini CLI', 'GEMINI_CLI'],
    [{ CODEX_SANDBOX: 'seatbelt' }, 'Codex', 'CODEX_SANDBOX'],
    [{ CODEX_THREAD_ID: 'x' }, 'Codex', 'CODEX_THREAD_ID'],
    [{ CLINE_ACTIVE: 'true' }, 'Cline', 'CLINE_ACTIVE'],
    [{ AI_AGENT: 'devin@1' }, 'devin@1', 'AI_AGENT'],
    [{ AGENT: 'amp' }, 'amp', 'AGENT'],
    [{ CLAUDECODE: '0' }, 'Claude Code', 'CLAUDECODE'],
  ])('%j → %s', (env, name, variable) => {
    expect(detectAgent(env)).toEqual({ name, variable });
  });

  it('finds nobody in a plain shell environment', () => {
    expect(detectAgent({ HOME: '/home/dev', PATH: '/usr/bin', TERM: 'xterm', CLAUDECODE: '', CI: 'true' })).toBeNull();
  });
});

describe('integrationsDisabled (DBSAFE=0)', () => {
  it('switches the integrations off for a person, with a reason to log', () => {
    expect(integrationsDisabled({ DBSAFE: '0' })).toEqual({ disabled: true, reason: 'DBSAFE=0: integrations switched off by the user' });
  });
  it('is ignored when an agent is detected, and says so', () => {
    const result = integrationsDisabled({ DBSAFE: '0', CLAUDECODE: '1' });
    expect(result.disabled).toBe(false);
    expect(result.reason).toContain('ignored');
    expect(result.reason).toContain('CLAUDECODE');
  });
  it.each([{}, { DBSAFE: '1' }, { DBSAFE: 'false' }, { DBSAFE: '' }])('leaves integrations on for %j', (env) => {
    expect(integrationsDisabled(env)).toEqual({ disabled: false, reason: null });
  });
});

describe('consent codes', () => {
  it('are 6 characters of an alphabet without look-alikes', () => {
    for (let i = 0; i < 200; i++) expect(generateCode()).toMatch(new RegExp(`^[${CODE_ALPHABET}]{6}$`));
    expect(CODE_ALPHABET).not.toMatch(/[0O1IL5S8B2Z]/);
  });
  it('are read in any case, with spaces or dashes', () => {
    expect(normalizeCode('k1q-m3x')).toBeNull();
    expect(normalizeCode('kaq-m3x')).toBe('KAQM3X');
    expect(normalizeCode(' KAQ M3X ')).toBe('KAQM3X');
    expect(normalizeCode('KAQM3')).toBeNull();
  });
  it('bind the exact command, database and directory', () => {
    const subject = { argv: ['npm', 'test'], target: 'abc', cwd: '/p' };
    const binding = consentBinding(subject);
    expect(consentBinding({ ...subject })).toBe(binding);
    expect(consentBinding({ ...subject, argv: ['npm', 'test', '--force'] })).not.toBe(binding);
    expect(consentBinding({ ...subject, argv: ['npm test'] })).not.toBe(binding);
    expect(consentBinding({ ...subject, target: 'abd' })).not.toBe(binding);
    expect(consentBinding({ ...subject, cwd: '/q' })).not.toBe(binding);
  });
});

describe('dbsafeInvocation (what a refusal tells a person to type)', () => {
  const onPath = (...files: string[]) => (file: string) => files.includes(file);
  it.each<[string, string, (file: string) => boolean, string]>([
    ['a global install on PATH', '/usr/local/bin:/usr/bin', onPath('/usr/local/bin/dbsafe'), 'dbsafe'],
    ['only the project’s node_modules/.bin (npm run put it there)', '/app/node_modules/.bin:/usr/bin', onPath('/app/node_modules/.bin/dbsafe'), 'npx dbsafe'],
    ['a parent project’s node_modules/.bin', '/app/pkg/node_modules/.bin:/app/node_modules/.bin/:/usr/bin', onPath('/app/node_modules/.bin/dbsafe'), 'npx dbsafe'],
    ['no dbsafe anywhere', '/usr/bin:/bin', onPath(), 'npx dbsafe'],
    ['no PATH', '', onPath(), 'npx dbsafe'],
  ])('%s → %s', (_case, pathVariable, isExecutable, expected) => {
    expect(dbsafeInvocation(pathVariable, isExecutable)).toBe(expected);
  });
});
