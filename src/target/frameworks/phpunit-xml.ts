import path from 'node:path';
import { laravelMessages } from './messages-laravel-rails-django.js';
import { optionValue, readProjectFile, requireLazily } from './project-files.js';
import type { FrameworkId, FrameworkInput, FrameworkProblem, FrameworkVariable } from './types.js';

export interface PhpunitReading {
  file: string;
  variables: Record<string, FrameworkVariable>;
}

interface PhpunitVariableElement {
  name?: unknown;
  value?: unknown;
  force?: unknown;
}

/**
 * The variables a PHPUnit (or Pest) run sets from phpunit.xml, else
 * phpunit.xml.dist (or the file `-c`/`--configuration` names): `<php><env>`
 * and `<php><server>`. PHPUnit sets `<env>` only when the shell has not
 * (unless force="true"); `<server>` always, and Laravel's env() reads $_SERVER
 * first, so `<server>` wins over `<env>` of the same name.
 */
export function readPhpunitVariables(
  input: FrameworkInput,
  framework: FrameworkId,
  dir: string,
  words: readonly string[],
  problems: FrameworkProblem[],
): PhpunitReading | undefined {
  const file = phpunitConfigurationFile(input, dir, words);
  if (file === undefined) return undefined;
  const text = readProjectFile(input, framework, file, problems);
  if (text === undefined) return undefined;
  const { XMLParser, XMLValidator } = requireLazily('fast-xml-parser') as typeof import('fast-xml-parser');
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    problems.push({ framework, file, message: laravelMessages.phpunitNotXml(file, valid.err.line, valid.err.msg) });
    return undefined;
  }
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: false,
    isArray: (name) => name === 'env' || name === 'server' || name === 'php',
  });
  const document = parser.parse(text) as { phpunit?: { php?: Record<string, PhpunitVariableElement[] | undefined>[] } };
  const variables: Record<string, FrameworkVariable> = {};
  for (const php of document.phpunit?.php ?? []) {
    for (const element of ['env', 'server'] as const) {
      for (const entry of php[element] ?? []) {
        if (typeof entry.name !== 'string' || entry.name === '') continue;
        const value = entry.value === undefined ? '' : String(entry.value);
        const forced = element === 'server' || String(entry.force) === 'true';
        const existing = variables[entry.name];
        if (existing?.overridesShell && !forced) continue;
        variables[entry.name] = {
          value,
          source: { file, key: `<${element} name="${entry.name}">` },
          ...(forced ? { overridesShell: true } : {}),
        };
      }
    }
  }
  return { file, variables };
}

function phpunitConfigurationFile(input: FrameworkInput, dir: string, words: readonly string[]): string | undefined {
  const named = optionValue(words, '--configuration', '-c');
  const candidates = named ? [path.resolve(dir, named)] : [];
  candidates.push(path.join(dir, 'phpunit.xml'), path.join(dir, 'phpunit.xml.dist'));
  return candidates.find((file) => typeof input.readFile(file) !== 'undefined');
}
