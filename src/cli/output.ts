/** The styles dbsafe's output uses. */
export interface Colors {
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

const plain = (text: string): string => text;
const PLAIN: Colors = { red: plain, green: plain, yellow: plain, bold: plain, dim: plain };

function wantsColor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return Boolean(stream.isTTY);
}

// chalk costs ~13 ms of start-up: it is loaded only when some output will be coloured,
// so scripts, hooks and shims (never a terminal) do not pay for it.
const colorWanted = { stdout: wantsColor(process.stdout, process.env), stderr: wantsColor(process.stderr, process.env) };
const chalk = colorWanted.stdout || colorWanted.stderr ? await import('chalk') : null;

/** Colours for a stream: none when NO_COLOR is set or the stream is not a terminal (FORCE_COLOR wins). */
function colorsFor(wanted: boolean): Colors {
  return wanted && chalk ? new chalk.Chalk({ level: 1 }) : PLAIN;
}

export const out = colorsFor(colorWanted.stdout);
export const err = colorsFor(colorWanted.stderr);

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** An expected failure: "dbsafe: <message>" on stderr, no stack trace. */
export function printFailure(message: string): void {
  process.stderr.write(`${err.red('dbsafe:')} ${message}\n`);
}
