import { requireLazily } from './project-files.js';

/** A YAML value with the line it was written on (for merged keys: the line in the anchored mapping). */
export type YamlTree =
  | { kind: 'map'; entries: Map<string, YamlTree>; line: number }
  | { kind: 'scalar'; value: string | number | boolean | null; line: number }
  | { kind: 'other'; line: number };

export type YamlReading = { tree: YamlTree } | { error: { line?: number; message: string } };

type YamlModule = typeof import('yaml');
type YamlNode = import('yaml').Node;

/**
 * Parse database.yml as Psych does for Rails: anchors and aliases, merge keys
 * (`<<: *default`, `<<: [*a, *b]`, keys of the mapping itself winning), and a
 * repeated key taking the last value.
 */
export function readYamlTree(text: string): YamlReading {
  const yaml = requireLazily('yaml') as YamlModule;
  const lineCounter = new yaml.LineCounter();
  const document = yaml.parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  const error = document.errors[0];
  if (error) {
    const line = lineCounter.linePos(error.pos[0]).line;
    return { error: { line, message: error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '') } };
  }
  const lineOf = (node: { range?: [number, number, number] | null } | null | undefined) => (node?.range ? lineCounter.linePos(node.range[0]).line : 0);

  const build = (node: unknown, depth: number): YamlTree => {
    if (depth > 50) return { kind: 'other', line: 0 };
    if (yaml.isAlias(node)) return build(node.resolve(document), depth + 1);
    if (yaml.isScalar(node)) {
      const value = node.value;
      const plain = value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : String(value);
      return { kind: 'scalar', value: plain, line: lineOf(node) };
    }
    if (yaml.isMap(node)) {
      const entries = new Map<string, YamlTree>();
      const merged: YamlTree[] = [];
      for (const pair of node.items) {
        const key = yaml.isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        if (key === '<<') {
          const sources = yaml.isSeq(pair.value) ? pair.value.items : [pair.value];
          for (const source of sources) merged.push(build(source, depth + 1));
          continue;
        }
        entries.set(key, build(pair.value, depth + 1));
      }
      for (const source of merged) {
        if (source.kind !== 'map') continue;
        for (const [key, value] of source.entries) if (!entries.has(key)) entries.set(key, value);
      }
      return { kind: 'map', entries, line: lineOf(node as YamlNode) };
    }
    return { kind: 'other', line: lineOf(node as YamlNode) };
  };
  return { tree: build(document.contents, 0) };
}
