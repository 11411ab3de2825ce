import type { EngineName } from '../types.js';
import type { JsValue } from './js-expression.js';
import { jsFrameworkMessages } from './js-messages.js';
import { readFields, resolveScalar, sourceOf, type ConnectionField, type ValueContext } from './js-values.js';
import type { FrameworkCandidate, FrameworkField, FrameworkId, FrameworkInput, FrameworkProblem } from './types.js';

/** Fields whose absence changes which database is reached; a missing user or password only fails the login. */
const TARGET_FIELDS: readonly FrameworkField[] = ['host', 'port', 'database', 'socket'];

const IN_MEMORY = new Set([':memory:', 'file::memory:', 'sqlite::memory:']);

export interface ConnectionSpec {
  framework: FrameworkId;
  input: FrameworkInput;
  context: ValueContext;
  file: string;
  label: string;
  /** The key of the connection in the file (`development.connection`, `dbCredentials`). */
  key: string;
  /** What the connection is for, in messages ("the development connection"). */
  what: string;
  engine?: EngineName;
  /** A whole connection string. */
  url?: JsValue;
  /** A connection object, read by `fieldKeys`. */
  fields?: JsValue;
  fieldKeys?: Readonly<Record<string, ConnectionField>>;
  relativeTo: string;
}

export interface Collected {
  candidates: FrameworkCandidate[];
  problems: FrameworkProblem[];
}

/** A configuration's connection (a URL, or fields), as a candidate, with a problem for each value that could not be read. */
export function connectionCandidate(spec: ConnectionSpec): Collected {
  const { framework, input, file } = spec;
  const problems: FrameworkProblem[] = [];
  const candidates: FrameworkCandidate[] = [];
  const problem = (message: string) => problems.push({ framework, file, message });
  const base = { framework, label: spec.label, relativeTo: spec.relativeTo };
  if (spec.url) {
    const read = resolveScalar(spec.url, spec.context);
    if (read.computed !== undefined) problem(jsFrameworkMessages.computed(file, input.root, spec.key, read.computed));
    for (const variable of read.unset) problem(jsFrameworkMessages.unsetVariable(file, input.root, variable, spec.what));
    if (read.value) {
      const isPath = spec.engine === 'sqlite' && !/^[a-z][a-z0-9+.-]*:/i.test(read.value);
      candidates.push({
        ...base,
        ...(isPath ? { fields: { engine: 'sqlite', database: read.value } } : { url: read.value }),
        source: sourceOf(read, file, spec.key),
      });
    }
  }
  if (spec.fields && spec.fieldKeys) {
    const read = readFields(spec.fields, spec.fieldKeys, spec.context, file, spec.key);
    for (const computed of read.computed) problem(jsFrameworkMessages.computed(file, input.root, computed.key, computed.text));
    for (const unset of read.unset.filter((entry) => TARGET_FIELDS.includes(entry.field))) {
      problem(jsFrameworkMessages.unsetVariable(file, input.root, unset.variable, `${spec.what} (${unset.key})`));
    }
    if (read.fields.host || read.fields.database || read.fields.socket) {
      candidates.push({
        ...base,
        fields: { ...(spec.engine ? { engine: spec.engine } : {}), ...read.fields },
        source: { file, key: spec.key },
        fieldSources: read.fieldSources,
      });
    }
  }
  // An in-memory SQLite database lives and dies with the process: nothing to judge or back up.
  const kept = candidates.filter((candidate) => !IN_MEMORY.has(candidate.url ?? candidate.fields?.database ?? ''));
  if (candidates.length === 0 && problems.length === 0) problem(jsFrameworkMessages.noDatabase(file, input.root, spec.what));
  return { candidates: kept, problems };
}
