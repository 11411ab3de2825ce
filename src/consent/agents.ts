import { readAncestry, type AncestorProcess } from './ancestry.js';

/**
 * How AI coding agents announce themselves in the environment of the commands
 * they run (lists kept by Prisma, the AWS CDK and Vercel's detect-agent). A new
 * agent is a new row. Any non-empty value counts, "0" and "false" included:
 * a harness does not set these to say "not an agent".
 */
interface AgentSignal {
  agent: string;
  /** An exact variable name, or a prefix ending in "_" for families such as CODEX_*. */
  variable: string;
  prefix?: true;
  /** Name the agent after the variable's value (AI_AGENT=<name>). */
  valueNamesAgent?: true;
}

export const AGENT_SIGNALS: readonly AgentSignal[] = [
  { agent: 'Claude Code', variable: 'CLAUDECODE' },
  { agent: 'Claude Code', variable: 'CLAUDE_CODE_ENTRYPOINT' },
  { agent: 'Cursor agent', variable: 'CURSOR_AGENT' },
  { agent: 'Gemini CLI', variable: 'GEMINI_CLI' },
  { agent: 'Qwen Code', variable: 'QWEN_CODE' },
  { agent: 'OpenCode', variable: 'OPENCODE' },
  { agent: 'Augment', variable: 'AUGMENT_AGENT' },
  { agent: 'Codex', variable: 'CODEX_', prefix: true },
  { agent: 'Cline', variable: 'CLINE_', prefix: true },
  { agent: 'AI agent', variable: 'AI_AGENT', valueNamesAgent: true },
  { agent: 'AI agent', variable: 'AGENT', valueNamesAgent: true },
];

export interface DetectedAgent {
  /** "Claude Code", or the value of AI_AGENT/AGENT. */
  name: string;
  /** What gave it away: the variable ("CLAUDECODE"), or the ancestor process ("process claude, pid 4242"). */
  variable: string;
}

/**
 * The programs AI coding agents run as. An agent can unset its variables,
 * but every command it runs descends from it: one of these as an ancestor of
 * dbsafe is an agent. `names` are executable (or script) names; `packages`
 * are npm package directories seen in a script path (`node …/@openai/codex/bin/codex.js`).
 */
interface AgentProgram {
  agent: string;
  names: readonly string[];
  packages?: readonly string[];
}

export const AGENT_PROGRAMS: readonly AgentProgram[] = [
  { agent: 'Claude Code', names: ['claude'], packages: ['@anthropic-ai/claude-code'] },
  { agent: 'Codex', names: ['codex'], packages: ['@openai/codex'] },
  { agent: 'Gemini CLI', names: ['gemini'], packages: ['@google/gemini-cli'] },
  { agent: 'Cursor agent', names: ['cursor-agent'] },
  { agent: 'Aider', names: ['aider'] },
  { agent: 'OpenCode', names: ['opencode'], packages: ['opencode-ai'] },
  { agent: 'Qwen Code', names: ['qwen'], packages: ['@qwen-code/qwen-code'] },
  { agent: 'Cline', names: ['cline'] },
  { agent: 'Goose', names: ['goose'] },
  { agent: 'Amp', names: ['amp'], packages: ['@sourcegraph/amp'] },
  { agent: 'Augment', names: ['auggie'], packages: ['@augmentcode/auggie'] },
  { agent: 'GitHub Copilot CLI', names: ['copilot'], packages: ['@github/copilot'] },
  { agent: 'Crush', names: ['crush'] },
  { agent: 'Factory Droid', names: ['droid'] },
  { agent: 'Kiro', names: ['kiro-cli'] },
];

/** Programs that run a script named by their first argument: `node /path/to/claude` is claude. */
const INTERPRETERS = /^(node|nodejs|bun|deno|tsx|python[0-9.]*|pypy[0-9.]*|ruby|perl|sh|bash|dash|zsh|fish)$/;
const SCRIPT_SUFFIX = /\.(c|m)?js$|\.py$|\.exe$/;

const baseName = (file: string): string => (file.split('/').pop() ?? file).replace(SCRIPT_SUFFIX, '').toLowerCase();

/** The names a process goes by: its kernel name, its executable, argv[0], and the script an interpreter runs. Pure. */
function namesOf(ancestor: AncestorProcess): string[] {
  const names = [ancestor.name, ancestor.exe ?? '', ancestor.argv[0] ?? ''].filter((name) => name !== '').map(baseName);
  if (names.some((name) => INTERPRETERS.test(name))) {
    const script = ancestor.argv.slice(1).find((word) => !word.startsWith('-'));
    if (script) names.push(baseName(script));
  }
  return names;
}

/** The nearest ancestor that is a known agent program, or null. Pure: the ancestry in, the verdict out. */
export function detectAgentInAncestry(ancestry: readonly AncestorProcess[]): DetectedAgent | null {
  for (const ancestor of ancestry) {
    const names = namesOf(ancestor);
    const paths = [ancestor.exe ?? '', ...ancestor.argv].map((word) => word.replace(/\\/g, '/'));
    for (const program of AGENT_PROGRAMS) {
      const byName = program.names.find((name) => names.includes(name));
      const byPackage = program.packages?.find((pkg) => paths.some((word) => word.includes(`/node_modules/${pkg}/`)));
      if (byName || byPackage) return { name: program.agent, variable: `process ${byName ?? byPackage}, pid ${ancestor.pid}` };
    }
  }
  return null;
}

/**
 * An agent, by its variables or as an ancestor of this process. The
 * ancestry is read only when the environment says nothing: call this where a
 * decision needs it, not on every start-up.
 */
export function detectAgentAnywhere(env: Record<string, string | undefined>, ancestry: () => readonly AncestorProcess[] = readAncestry): DetectedAgent | null {
  return detectAgent(env) ?? detectAgentInAncestry(ancestry());
}

/** The first agent the environment announces, or null. Pure. */
export function detectAgent(env: Record<string, string | undefined>): DetectedAgent | null {
  const names = Object.keys(env).filter((name) => (env[name] ?? '') !== '');
  for (const signal of AGENT_SIGNALS) {
    const variable = signal.prefix ? names.find((name) => name.startsWith(signal.variable)) : names.find((name) => name === signal.variable);
    if (variable === undefined) continue;
    return { name: signal.valueNamesAgent ? env[variable]! : signal.agent, variable };
  }
  return null;
}

export function describeAgent(agent: DetectedAgent): string {
  return `${agent.name} (${agent.variable})`;
}
