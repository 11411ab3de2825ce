/**
 * A file name written with a leading `~/`, `$VAR/` or `${VAR}/` (quoted or
 * not), as an absolute path from `env`; null for anything else a shell would
 * compute, or when the result is not absolute. Pure.
 */
export function expandPathReference(source: string, env: Record<string, string | undefined>): string | null {
  const text = source.startsWith('"') && source.endsWith('"') && source.length >= 2 ? source.slice(1, -1) : source;
  const match = /^(?:~|\$([A-Za-z_][A-Za-z0-9_]*)|\$\{([A-Za-z_][A-Za-z0-9_]*)\})(\/[^$`*?[\]\\"'~]*)?$/.exec(text);
  if (!match) return null;
  const base = match[1] ?? match[2] ? env[(match[1] ?? match[2])!] : env.HOME;
  if (!base || !base.startsWith('/')) return null;
  return `${base}${match[3] ?? ''}`;
}

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
