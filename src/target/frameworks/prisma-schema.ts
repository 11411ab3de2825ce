/**
 * Reads the `datasource` block of a Prisma schema as text: each `key = value`
 * line, the value a string, `env("NAME")`, or something else (kept as text).
 */

export type PrismaValue = { kind: 'string'; value: string } | { kind: 'env'; name: string } | { kind: 'other'; text: string };

export interface PrismaDatasource {
  name: string;
  entries: Map<string, PrismaValue>;
}

export class PrismaSchemaError extends Error {}

function stripComment(line: string): string {
  let inString = false;
  for (let at = 0; at < line.length; at += 1) {
    const char = line[at];
    if (char === '\\' && inString) at += 1;
    else if (char === '"') inString = !inString;
    else if (!inString && char === '/' && line[at + 1] === '/') return line.slice(0, at);
  }
  return line;
}

function readString(text: string, line: number): string {
  const match = /^"((?:[^"\\]|\\.)*)"$/.exec(text);
  if (!match) throw new PrismaSchemaError(`the string on line ${line} is not closed`);
  return match[1]!.replace(/\\(.)/g, (_, char: string) => ({ n: '\n', t: '\t' })[char] ?? char);
}

function readValue(text: string, line: number): PrismaValue {
  if (text.startsWith('"')) return { kind: 'string', value: readString(text, line) };
  const env = /^env\(\s*("(?:[^"\\]|\\.)*")\s*\)$/.exec(text);
  if (env) return { kind: 'env', name: readString(env[1]!, line) };
  return { kind: 'other', text };
}

/** The schema's datasource block; undefined when it has none (the other files of a multi-file schema). */
export function readPrismaDatasource(schema: string): PrismaDatasource | undefined {
  const lines = schema.split(/\r?\n/);
  for (let index = 0; index < lines.length; index += 1) {
    const opening = /^\s*datasource\s+(\w+)\s*\{\s*$/.exec(stripComment(lines[index]!));
    if (!opening) continue;
    const entries = new Map<string, PrismaValue>();
    for (let inner = index + 1; inner < lines.length; inner += 1) {
      const text = stripComment(lines[inner]!).trim();
      if (text === '') continue;
      if (text === '}') return { name: opening[1]!, entries };
      const entry = /^(\w+)\s*=\s*(.+)$/.exec(text);
      if (!entry) throw new PrismaSchemaError(`line ${inner + 1} of the datasource block is not \`key = value\``);
      entries.set(entry[1]!, readValue(entry[2]!.trim(), inner + 1));
    }
    throw new PrismaSchemaError(`the datasource block opened on line ${index + 1} is not closed`);
  }
  return undefined;
}
