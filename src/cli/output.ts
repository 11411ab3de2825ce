import { Chalk, type ChalkInstance } from 'chalk';

/** Colours for a stream: none when NO_COLOR is set or the stream is not a terminal (FORCE_COLOR wins). */
export function colorsFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): ChalkInstance {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0';
  const disabled = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  const level = forced ? 1 : disabled || !stream.isTTY ? 0 : 1;
  return new Chalk({ level });
}

export const out = colorsFor(process.stdout);
export const err = colorsFor(process.stderr);

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** An expected failure: "dbsafe: <message>" on stderr, no stack trace. */
export function printFailure(message: string): void {
  process.stderr.write(`${err.red('dbsafe:')} ${message}\n`);
}
