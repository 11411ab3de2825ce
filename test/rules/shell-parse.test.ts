import { beforeAll, describe, expect, it } from 'vitest';
import { parsePlainLine } from '../../src/rules/simple-parse.js';
import { loadTreeSitterParser } from '../../src/rules/tree-sitter-parse.js';
import type { ShellParse } from '../../src/rules/types.js';

let parse: ShellParse;
beforeAll(async () => {
  parse = await loadTreeSitterParser();
});

describe('shell line parsing', () => {
  it('the plain-line fast path gives exactly what tree-sitter gives, on every line it accepts', () => {
    const lines = ['npm test', 'FOO=1 BAR=2 npx prisma migrate dev --name init', '  rails   db:migrate  ', 'php artisan migrate:fresh --seed', 'mvn -Dx=y clean verify', './vendor/bin/phpunit --filter=UserTest', 'FOO=1', 'go test ./... -run=TestX'];
    for (const line of lines) {
      const plain = parsePlainLine(line);
      expect(plain, line).not.toBeNull();
      const full = parse(line);
      expect(plain!.commands.map((c) => c.words), line).toEqual(full.commands.map((c) => c.words));
      expect(plain!.syntaxError).toBe(full.syntaxError);
    }
  });

  it('leaves anything with quotes, expansions or operators to the real parser', () => {
    for (const line of ['npm test && x', "echo 'a'", 'echo $x', 'ls *.sql', 'cd ~', 'a # c', 'a\nb', 'echo "x"', 'a | b', 'x > y', '(a)']) {
      expect(parsePlainLine(line), line).toBeNull();
    }
  });

  it('resolves quoting and escapes, and marks run-time values unresolved', () => {
    const command = parse(`psql -c 'drop table "x"' "a\\"b" a\\ b "$HOME" $(date) pre"fix" *.sql ~/x "c"'d'`).commands.at(-1);
    expect(command!.words).toEqual([
      { text: 'psql', resolved: true },
      { text: '-c', resolved: true },
      { text: 'drop table "x"', resolved: true },
      { text: 'a"b', resolved: true },
      { text: 'a b', resolved: true },
      { text: '"$HOME"', resolved: false },
      { text: '$(date)', resolved: false },
      { text: 'prefix', resolved: true },
      { text: '*.sql', resolved: false },
      { text: '~/x', resolved: false },
      { text: 'cd', resolved: true },
    ]);
  });

  it('orders commands as they run, with substitutions first and stdin sources marked', () => {
    const line = parse('cd api && echo $(rake db:drop) | psql app; mysql < x.sql; psql <<SQL\ndrop table y;\nSQL\nsqlite3 a.db <<< "delete from t"');
    expect(line.syntaxError).toBe(false);
    expect(line.commands.map((c) => [c.words[0]!.text, c.stdin, c.stdinText ?? null])).toEqual([
      ['cd', 'terminal', null],
      ['rake', 'terminal', null],
      ['echo', 'terminal', null],
      ['psql', 'pipe', null],
      ['mysql', 'file', null],
      ['psql', 'heredoc', 'drop table y;\n'],
      ['sqlite3', 'heredoc', 'delete from t'],
    ]);
  });

  it('reports syntax errors instead of guessing', () => {
    for (const line of ['npm test &&', 'echo "unterminated', 'if then fi', '(npm test']) expect(parse(line).syntaxError, line).toBe(true);
  });
});
