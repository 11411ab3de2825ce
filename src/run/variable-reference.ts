const REFERENCE = /^(")?\$(?:([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)\})(")?$/;

/**
 * The value a word that is only a variable reference (`$X`, `${X}`, `"$X"`)
 * takes in `env`, the environment the command runs with; null when the word
 * is anything else, the variable is unset or not known, or an unquoted value
 * would be split into several words. Pure.
 */
export function expandVariableReference(source: string, env: Record<string, string | undefined>, unknown: ReadonlySet<string> = new Set()): string | null {
  const match = REFERENCE.exec(source);
  if (!match || (match[1] === undefined) !== (match[4] === undefined)) return null;
  const name = match[2] ?? match[3]!;
  const value = env[name];
  if (value === undefined || unknown.has(name)) return null;
  if (match[1] === undefined && /\s/.test(value)) return null;
  return value;
}
