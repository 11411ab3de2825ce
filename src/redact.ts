/**
 * Passwords never leave dbsafe: every command line it shows or stores (audit
 * log, backup manifest, consent records, messages, `explain`) goes through
 * `redactCommandLine`; free text (a tool's error output) through
 * `redactSecretsInText`. The ways a password is written on a command line are
 * data (the tables below); adding a client is adding a row.
 */

export const MASK = '********';

/**
 * How an option carries a password:
 * - `attached`: only glued to the option (`mysql -pSECRET`; `mysql -p db` prompts, and db is a database);
 * - `attached-or-next`: glued or as the next argument (`mongosh -p SECRET`, `sqlcmd -PSECRET`);
 * - `user-password`: `user:password`, glued or next; only what follows the first `:` is secret (`curl -u user:pw`).
 */
type ValueForm = 'attached' | 'attached-or-next' | 'user-password';

const MYSQL_CLIENTS = [
  'mysql', 'mariadb', 'mysqldump', 'mariadb-dump', 'mysqladmin', 'mariadb-admin', 'mysqlimport', 'mariadb-import', 'mysqlshow', 'mariadb-show',
  'mysqlcheck', 'mariadb-check', 'mysqlpump', 'mysqlbinlog', 'mariadb-binlog', 'mysqlslap', 'mariadb-slap', 'mysqlsh', 'mycli',
];
const MONGODB_CLIENTS = ['mongosh', 'mongo', 'mongodump', 'mongorestore', 'mongoexport', 'mongoimport', 'mongostat', 'mongotop', 'mongofiles'];
const SQL_SERVER_CLIENTS = ['sqlcmd', 'bcp', 'osql', 'isql'];
const HTTP_CLIENTS = ['curl'];

/** Short options that carry a password, by program: `-p` is a password for mysql, a port for psql. */
export const PASSWORD_OPTIONS: ReadonlyArray<{ programs: readonly string[]; option: string; form: ValueForm }> = [
  { programs: MYSQL_CLIENTS, option: '-p', form: 'attached' },
  { programs: MONGODB_CLIENTS, option: '-p', form: 'attached-or-next' },
  { programs: SQL_SERVER_CLIENTS, option: '-P', form: 'attached-or-next' },
  { programs: HTTP_CLIENTS, option: '-u', form: 'user-password' },
  { programs: HTTP_CLIENTS, option: '--user', form: 'user-password' },
  { programs: HTTP_CLIENTS, option: '-U', form: 'user-password' },
  { programs: HTTP_CLIENTS, option: '--proxy-user', form: 'user-password' },
  { programs: ['redis-cli', 'valkey-cli'], option: '-a', form: 'attached-or-next' },
  { programs: ['sshpass'], option: '-p', form: 'attached-or-next' },
];

/**
 * Long options of any program whose value is a secret, `--opt=X` or `--opt X`:
 * --password, --db-password, --http-password, --pass, --token, --api-key…
 * (`--no-password` and `--password-file` name no secret).
 */
const SECRET_LONG_OPTION = /^--(?!no-)(?:[a-z0-9]+[-_])*(?:password|passwd|pass|pwd|secret|token|api[-_]?key)$/i;

/** Variables and conninfo keys whose value is a secret: PGPASSWORD, MYSQL_PWD, DB_PASSWORD, password=, API_TOKEN… */
const SECRET_NAME = /(?:password|passwd|pass|pwd|secret|token|api_?key)/i;

/** Secrets inside one value, whatever program it is given to. */
const VALUE_RULES: ReadonlyArray<{ what: string; redact: (value: string) => string }> = [
  // libpq key/value conninfo: password=x, password = 'a b', password='it\'s'.
  { what: 'conninfo password', redact: (v) => v.replace(/(^|\s)(password\s*=\s*)('(?:\\[\s\S]|[^'\\])*'?|(?:\\[\s\S]|[^\s\\])+)/gi, `$1$2${MASK}`) },
  // scheme://user:password@host — the password may itself hold `@` or `:`, so it runs to the last `@` of the URL.
  { what: 'URL password', redact: redactUrlPasswords },
  // ?password=x&… in a connection URI.
  { what: 'URL password parameter', redact: (v) => v.replace(/([?&](?:password|pass|pwd)=)[^&#\s]*/gi, `$1${MASK}`) },
  // An HTTP credential header (`curl -H 'Authorization: Bearer …'`): everything after the header name is the secret.
  { what: 'authorization header', redact: (v) => v.replace(/^((?:proxy-)?authorization:\s*).+$/is, `$1${MASK}`) },
];

const URL_USERINFO = /([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@]*:)/gi;
const URL_START = /[a-z][a-z0-9+.-]*:\/\//i;

/**
 * scheme://user:password@host. The password may hold `@`, `:` or spaces, so
 * it runs to the last `@` before the next URL (or the end of the value):
 * masking too much is harmless, too little is a leak.
 */
function redactUrlPasswords(value: string): string {
  let result = '';
  let rest = value;
  for (;;) {
    URL_USERINFO.lastIndex = 0;
    const match = URL_USERINFO.exec(rest);
    if (!match) return result + rest;
    const passwordStart = match.index + match[0].length;
    const after = rest.slice(passwordStart);
    const nextUrl = after.search(URL_START);
    const end = (nextUrl < 0 ? after : after.slice(0, nextUrl)).lastIndexOf('@');
    if (end < 0) {
      result += rest.slice(0, passwordStart);
      rest = after;
      continue;
    }
    result += `${rest.slice(0, passwordStart)}${MASK}@`;
    rest = after.slice(end + 1);
  }
}

interface Token {
  start: number;
  end: number;
  /** The word as the program receives it: quotes removed, escapes applied. */
  value: string;
  /** `operator`: ; & | ( ) $( ` and newlines, after which a new command starts. */
  kind: 'word' | 'operator';
}

const OPERATOR_CHARS = ';&|()`\n';

/** Where the `$(…)` whose body starts at `from` ends (just past its `)`), minding quotes and nesting. */
function substitutionEnd(text: string, from: number): number {
  let depth = 1;
  let i = from;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\') i += 2;
    else if (c === "'") {
      const close = text.indexOf("'", i + 1);
      i = close < 0 ? text.length : close + 1;
    } else if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '$' && text[i + 1] === '(') i = substitutionEnd(text, i + 2);
        else i += text[i] === '\\' ? 2 : 1;
      }
      i++;
    } else if (c === '(') {
      depth++;
      i++;
    } else if (c === ')') {
      depth--;
      i++;
      if (depth === 0) return i;
    } else i++;
  }
  return text.length;
}

/** Split shell text into words and operators, remembering where each word was written. Tolerant: an open quote runs to the end. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (char === ' ' || char === '\t') {
      i++;
      continue;
    }
    if (OPERATOR_CHARS.includes(char) || (char === '$' && text[i + 1] === '(')) {
      const start = i;
      i += char === '$' ? 2 : 1;
      while (i < text.length && ';&|'.includes(text[i]!) && ';&|'.includes(char)) i++;
      tokens.push({ start, end: i, value: text.slice(start, i), kind: 'operator' });
      continue;
    }
    const start = i;
    let value = '';
    while (i < text.length && !' \t'.includes(text[i]!) && !OPERATOR_CHARS.includes(text[i]!) && !(text[i] === '$' && text[i + 1] === '(')) {
      const c = text[i]!;
      if (c === "'") {
        const close = text.indexOf("'", i + 1);
        const end = close < 0 ? text.length : close;
        value += text.slice(i + 1, end);
        i = end + 1;
      } else if (c === '"') {
        i++;
        while (i < text.length && text[i] !== '"') {
          if (text[i] === '$' && text[i + 1] === '(') {
            // "$(…)" is a script of its own, with its own quotes: take it whole.
            const end = substitutionEnd(text, i + 2);
            value += text.slice(i, end);
            i = end;
            continue;
          }
          if (text[i] === '\\' && i + 1 < text.length && '"\\$`\n'.includes(text[i + 1]!)) i++;
          value += text[i];
          i++;
        }
        i++;
      } else if (c === '\\' && i + 1 < text.length) {
        value += text[i + 1];
        i += 2;
      } else {
        value += c;
        i++;
      }
    }
    tokens.push({ start, end: Math.min(i, text.length), value, kind: 'word' });
  }
  return tokens;
}

/** One argument as a POSIX shell would need it typed. Pure. */
export function quoteArgument(argument: string): string {
  // `*` passes unquoted so a mask reads as `-p********`, not `'-p********'`.
  if (argument !== '' && /^[A-Za-z0-9_\/.,:=@%+^*-]+$/.test(argument)) return argument;
  return `'${argument.replace(/'/g, `'\\''`)}'`;
}

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/;
const KNOWN_PROGRAMS = new Set(PASSWORD_OPTIONS.flatMap((row) => row.programs));

function programName(word: string): string {
  return (word.split('/').pop() ?? word).toLowerCase();
}

function optionRowsFor(program: string | null) {
  return program ? PASSWORD_OPTIONS.filter((row) => row.programs.includes(program)) : [];
}

function maskUserPassword(value: string): string {
  const colon = value.indexOf(':');
  return colon < 0 ? value : `${value.slice(0, colon + 1)}${MASK}`;
}

/** A word that is not itself an option or assignment carrying a secret: secrets inside it, and inside any script it holds. */
/**
 * `host=db password='a b'`: libpq key/value conninfo with a password, whose
 * quoting is not the shell's. Keys are lower case, which tells it from a
 * script starting with an assignment (`PGHOST=db psql …`).
 */
function isConninfo(text: string): boolean {
  return /^\s*[a-z_]+\s*=/.test(text) && /(^|\s)password\s*=/i.test(text);
}

function applyValueRules(value: string): string {
  return VALUE_RULES.reduce((text, rule) => rule.redact(text), value);
}

/** `word` is the whole word when `value` is the part after `NAME=`, so conninfo is still recognised. */
function redactValue(value: string, depth: number, word = value): string {
  // A word with spaces may be a script (`bash -c 'mysql -pX'`, `"$(…)"`): redact it as a command line of its own,
  // after the conninfo rules when it reads as conninfo, before them when it reads as shell.
  if (depth >= 4 || !/\s/.test(value)) return applyValueRules(value);
  if (isConninfo(word)) return redactText(applyValueRules(value), depth + 1);
  return applyValueRules(redactText(value, depth + 1));
}

/** The words of one or more commands, each redacted (same length and order). Operators pass through. */
function redactWords(tokens: ReadonlyArray<Pick<Token, 'value' | 'kind'>>, depth: number): string[] {
  const result: string[] = [];
  let program: string | null = null;
  let commandStart = true;
  let nextIs: ValueForm | 'secret' | null = null;
  for (const token of tokens) {
    const word = token.value;
    if (token.kind === 'operator') {
      commandStart = true;
      program = null;
      nextIs = null;
      result.push(word);
      continue;
    }
    let redacted: string;
    const assignment = ASSIGNMENT.exec(word);
    if (nextIs) {
      redacted = nextIs === 'user-password' ? maskUserPassword(word) : MASK;
      nextIs = null;
    } else if (assignment) {
      redacted = SECRET_NAME.test(assignment[1]!) ? `${assignment[1]}=${MASK}` : `${assignment[1]}=${redactValue(assignment[2]!, depth, word)}`;
    } else if (word.startsWith('-')) {
      redacted = redactOption(word, program, (form) => (nextIs = form));
      if (redacted === word) redacted = redactValue(word, depth);
    } else {
      if (commandStart || KNOWN_PROGRAMS.has(programName(word))) program = programName(word);
      redacted = redactValue(word, depth);
    }
    if (!assignment) commandStart = false;
    result.push(redacted);
  }
  return result;
}

function redactText(text: string, depth: number): string {
  const tokens = tokenize(text);
  const redacted = redactWords(tokens, depth);
  let output = '';
  let at = 0;
  tokens.forEach((token, i) => {
    if (redacted[i] === token.value) return;
    output += text.slice(at, token.start) + quoteArgument(redacted[i]!);
    at = token.end;
  });
  return output + text.slice(at);
}

/** An option word: its secret masked, or `expectNext` told that the next word is the secret. */
function redactOption(word: string, program: string | null, expectNext: (form: ValueForm | 'secret') => void): string {
  const equals = word.indexOf('=');
  const name = word.startsWith('--') && equals > 0 ? word.slice(0, equals) : word;
  for (const row of optionRowsFor(program)) {
    if (row.option.startsWith('--')) {
      if (name !== row.option) continue;
      if (equals > 0) return `${name}=${maskUserPassword(word.slice(equals + 1))}`;
      expectNext(row.form);
      return word;
    }
    if (word === row.option) {
      if (row.form !== 'attached') expectNext(row.form);
      return word;
    }
    if (word.startsWith(row.option) && word.length > row.option.length) {
      const value = word.slice(row.option.length);
      return `${row.option}${row.form === 'user-password' ? maskUserPassword(value) : MASK}`;
    }
  }
  if (SECRET_LONG_OPTION.test(name)) {
    if (equals > 0) return `${name}=${MASK}`;
    expectNext('secret');
  }
  return word;
}

/**
 * A shell command line with every password masked: password options of the
 * clients in PASSWORD_OPTIONS, `--*password=` style long options, secret
 * variable assignments (`PGPASSWORD=x cmd`), conninfo `password=` and URL
 * passwords, also inside `bash -c '…'` scripts and `$(…)`. Pure.
 */
export function redactCommandLine(text: string): string {
  return redactText(text, 0);
}

/** The words of a command as one line a human can read and re-type, passwords masked. Pure. */
export function redactArgv(argv: readonly string[]): string {
  return redactArgvWords(argv).map(quoteArgument).join(' ');
}

/** Mask URL passwords and `*PASSWORD*=` values in free text (a tool's error output, a notification). Pure. */
export function redactSecretsInText(text: string): string {
  const masked = VALUE_RULES.filter((rule) => rule.what !== 'URL password').reduce((result, rule) => rule.redact(result), text);
  return masked
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)[^\s'"]*@/gi, `$1${MASK}@`)
    .replace(/\b([A-Z0-9_]*(PASSWORD|PASSWD|PWD|SECRET|TOKEN)[A-Z0-9_]*=)("[^"]*"|'[^']*'|\S+)/gi, `$1${MASK}`);
}

/**
 * Free text that may quote a command line (a classifier's reason: "runs shell
 * code built at run time (mysql -pX $Y)"): command-line rules, then the
 * free-text ones. Text without a secret comes back unchanged. Pure.
 */
export function redactMessage(text: string): string {
  return redactSecretsInText(redactCommandLine(text));
}

/** Command-line fields of a structured result (explain's `command`, a segment's `text`), and argv arrays. */
const COMMAND_FIELDS = new Set(['command', 'text', 'line']);
const ARGV_FIELDS = new Set(['argv', 'words']);

/** The words of one command (argv), each with its password masked. Pure. */
export function redactArgvWords(argv: readonly string[]): string[] {
  return redactWords(argv.map((value) => ({ value, kind: 'word' as const })), 0);
}

/**
 * A JSON-like value with every string redacted: command-line fields as
 * command lines, any other string as a message that may quote one. For results whose fields
 * grow over time (explain's segments and targets). Pure.
 */
export function redactDeep<T>(value: T, key = ''): T {
  if (typeof value === 'string') return (COMMAND_FIELDS.has(key) ? redactCommandLine(value) : redactMessage(value)) as T;
  if (Array.isArray(value) && ARGV_FIELDS.has(key) && value.every((item) => typeof item === 'string')) return redactArgvWords(value as string[]) as T;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, key)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, k)])) as T;
  }
  return value;
}
