import { ENGINE_LABELS, type Target, type ValueOrigin } from './types.js';
import { DEFAULT_PORTS } from './url.js';

export { MASK, redactSecretsInText } from '../redact.js';

/** Where the database lives, in words: a host:port, a socket, or a file. */
export function describeLocation(target: Target): string {
  if (target.engine === 'sqlite') return target.database;
  if (target.socket && !target.host) return `socket ${target.socket}`;
  const port = target.port ?? DEFAULT_PORTS[target.engine];
  const hosts = target.hosts.length > 1 ? target.hosts.join(',') : (target.host ?? 'localhost');
  return port ? `${hosts}:${port}` : hosts;
}

/** One line naming the database: "PostgreSQL app_dev on 127.0.0.1:5432 (DATABASE_URL)". */
export function describeTarget(target: Target): string {
  const where = target.engine === 'sqlite' ? `file ${target.database}` : `${target.database} on ${describeLocation(target)}`;
  return `${ENGINE_LABELS[target.engine]} ${where} (${describeOrigin(target.origin)})`;
}

export function describeOrigin(origin: ValueOrigin): string {
  if (origin.kind === 'service') {
    const what = origin.parameter ? `${origin.parameter} of ` : '';
    const via = origin.via ? ` (named by ${describeOrigin(origin.via)})` : '';
    return `${what}service "${origin.name}" in ${origin.file ?? 'the service file'}${via}`;
  }
  let text = origin.kind === 'dotenv' || ((origin.kind === 'config' || origin.kind === 'framework') && origin.file) ? `${origin.name} in ${origin.file}` : origin.name;
  if (origin.parameter) text = origin.kind === 'framework' ? `${text} (${origin.parameter})` : `${origin.parameter} parameter of ${text}`;
  if (origin.readBy) text = `${text}, read by ${describeOrigin(origin.readBy)}`;
  if (origin.reading) text = `${text}, as ${origin.reading} reads it`;
  return text;
}

/** The JSON shape of a target for `--json` output and logs: the password never appears. */
export interface RedactedTarget {
  engine: Target['engine'];
  host: string | null;
  hosts: string[];
  socket: string | null;
  port: number | null;
  database: string;
  user: string | null;
  password: 'set' | 'unset';
  tls: Target['tls'];
  srv: boolean;
  origin: ValueOrigin;
  fields: Target['fields'];
}

export function redactTarget(target: Target): RedactedTarget {
  return {
    engine: target.engine,
    host: target.host ?? null,
    hosts: target.hosts,
    socket: target.socket ?? null,
    port: target.port ?? DEFAULT_PORTS[target.engine] ?? null,
    database: target.database,
    user: target.user ?? null,
    password: target.password !== undefined && target.password !== '' ? 'set' : 'unset',
    tls: target.tls,
    srv: target.srv,
    origin: target.origin,
    fields: target.fields,
  };
}
