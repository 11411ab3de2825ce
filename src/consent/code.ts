import { createHash, randomInt } from 'node:crypto';

/** Letters and digits a human cannot misread: no 0/O, 1/I/L, 5/S, 8/B, 2/Z. */
export const CODE_ALPHABET = 'ACDEFGHJKMNPQRTUVWXY34679';
export const CODE_LENGTH = 6;
/** How long a code can be allowed, and how long an allowance waits for its command. */
export const CONSENT_TTL_MS = 5 * 60 * 1000;

export function generateCode(pick: (limit: number) => number = randomInt): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[pick(CODE_ALPHABET.length)];
  return code;
}

/** A code as typed: any case, spaces or dashes. Null when it cannot be one of ours. Pure. */
export function normalizeCode(typed: string): string | null {
  const code = typed.toUpperCase().replace(/[\s-]/g, '');
  if (code.length !== CODE_LENGTH) return null;
  return [...code].every((char) => CODE_ALPHABET.includes(char)) ? code : null;
}

export interface ConsentSubject {
  /** The command exactly as it will be run (argv), or the dbsafe operation for `guard`. */
  argv: readonly string[];
  /** targetFingerprint of the database it will hit, or "none". */
  target: string;
  cwd: string;
}

/**
 * What a code is bound to: the exact command, database and directory. Any
 * change (an extra flag, another database, another directory) is a different
 * binding and needs its own consent. Pure.
 */
export function consentBinding(subject: ConsentSubject): string {
  return createHash('sha256').update(JSON.stringify([subject.argv, subject.target, subject.cwd])).digest('hex').slice(0, 32);
}
