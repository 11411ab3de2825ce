import { fstatSync, statSync, writeSync } from 'node:fs';
import { printable } from '../printable.js';

/** The styles dbsafe's output uses. */
export interface Colors {
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

const plain = (text: string): string => text;
/** No styling: for streams that are not terminals, NO_COLOR, and tests. */
export const PLAIN: Colors = { red: plain, green: plain, yellow: plain, bold: plain, dim: plain };

// Basic 16-colour SGR codes, as every terminal understands them; closing with the
// specific reset (39 colour, 22 intensity) keeps styles nested inside a message intact.
const sgr = (open: number, close: number) => (text: string): string => `\x1b[${open}m${text}\x1b[${close}m`;
const ANSI: Colors = { red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), bold: sgr(1, 22), dim: sgr(2, 22) };

/** Colours for an output: none when NO_COLOR is set or it is not a terminal (FORCE_COLOR wins). */
export function colorsFor(terminal: boolean, env: NodeJS.ProcessEnv = process.env): Colors {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return ANSI;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return PLAIN;
  return terminal ? ANSI : PLAIN;
}

/**
 * Whether fd 1 or 2 is a terminal. Only a character device other than
 * /dev/null can be one; asking that first keeps Node's stream and tty modules
 * (about 6 ms of start-up) off the path of pipes, files and discarded output.
 */
function isTerminal(fd: 1 | 2): boolean {
  try {
    const stat = fstatSync(fd);
    if (!stat.isCharacterDevice() || stat.rdev === statSync('/dev/null').rdev) return false;
  } catch {
    return false;
  }
  return Boolean((fd === 1 ? process.stdout : process.stderr).isTTY);
}

export const out = colorsFor(isTerminal(1));
export const err = colorsFor(isTerminal(2));

/**
 * Write straight to fd 1 or 2. The commands integrations run on every command
 * line print one block and exit, and this skips creating process.stdout. A
 * full non-blocking pipe hands the rest to Node's stream, which waits for the
 * reader; a reader that went away (`| head -1`) ends the output quietly.
 */
function writeOutput(fd: 1 | 2, text: string): void {
  const bytes = Buffer.from(text);
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') return;
      if (code !== 'EAGAIN') throw error;
      (fd === 1 ? process.stdout : process.stderr).write(bytes.subarray(offset));
      return;
    }
  }
}

export function writeStdout(text: string): void {
  writeOutput(1, text);
}

export function writeStderr(text: string): void {
  writeOutput(2, text);
}

export function printJson(value: unknown): void {
  writeStdout(`${JSON.stringify(value, null, 2)}\n`);
}

/** An expected failure: "dbsafe: <message>" on stderr, no stack trace. */
export function printFailure(message: string): void {
  // Whatever a message echoes, it cannot drive the terminal.
  writeStderr(`${err.red('dbsafe:')} ${printable(message, { lineBreaks: true })}\n`);
}
