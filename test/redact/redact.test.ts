import { describe, expect, it } from 'vitest';
import { quoteArgument, redactArgv, redactArgvWords, redactCommandLine, redactDeep, redactMessage, redactSecretsInText } from '../../src/redact.js';

/** Every way of writing a password on a command line that dbsafe must mask, as argv built around the secret. */
const FORMS: Array<{ name: string; argv: (secret: string) => string[]; secret?: 'plain' }> = [
  { name: 'mysql -pSECRET', argv: (s) => ['mysql', `-p${s}`, 'shop'] },
  { name: 'mysql --password=X', argv: (s) => ['mysql', '-u', 'root', `--password=${s}`, 'shop'] },
  { name: 'mysqldump -u root -pX', argv: (s) => ['mysqldump', '-u', 'root', `-p${s}`, 'shop'] },
  { name: 'mariadb-dump -pX', argv: (s) => ['/usr/bin/mariadb-dump', `-p${s}`, 'shop'] },
  { name: 'mongosh -p X', argv: (s) => ['mongosh', '-u', 'admin', '-p', s, 'mongodb://127.0.0.1/app'] },
  { name: 'mongosh --password X', argv: (s) => ['mongosh', '--password', s] },
  { name: 'curl -u user:pw', argv: (s) => ['curl', '-u', `user:${s}`, 'https://api.example.com'] },
  { name: 'curl --user=user:pw', argv: (s) => ['curl', `--user=user:${s}`, 'https://api.example.com'] },
  { name: 'sqlcmd -P X', argv: (s) => ['sqlcmd', '-S', 'db', '-U', 'sa', '-P', s] },
  { name: 'sqlcmd -PX', argv: (s) => ['sqlcmd', `-P${s}`] },
  { name: "psql conninfo password='a b'", argv: (s) => ['psql', `host=127.0.0.1 password='${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}' dbname=app`] },
  { name: 'psql conninfo password=x', argv: (s) => ['psql', `host=127.0.0.1 password=${s.replace(/[\\\s'"]/g, '\\$&')} dbname=app`] },
  { name: 'psql conninfo starting with password=x', argv: (s) => ['psql', `password=${s.replace(/[\\\s'"]/g, '\\$&')} dbname=app`] },
  { name: 'a postgres URI', argv: (s) => ['psql', `postgres://app:${s}@db.internal:5432/app_dev`] },
  { name: 'a mysql URI', argv: (s) => ['mysqlsh', `mysql://root:${s}@127.0.0.1/shop`] },
  { name: 'a mongodb+srv URI', argv: (s) => ['mongosh', `mongodb+srv://admin:${s}@cluster0.example.net/app`] },
  { name: 'a password URI parameter', argv: (s) => ['psql', `postgres://app@127.0.0.1/app_dev?password=${encodeURIComponent(s)}&sslmode=disable`] },
  { name: 'PGPASSWORD=x cmd', argv: (s) => ['env', `PGPASSWORD=${s}`, 'psql', '-h', '127.0.0.1'] },
  { name: 'MYSQL_PWD=x cmd', argv: (s) => ['env', `MYSQL_PWD=${s}`, 'mysql', 'shop'] },
  { name: 'DATABASE_URL=… cmd', argv: (s) => ['env', `DATABASE_URL=postgres://u:${s}@db.internal/app`, 'npm', 'test'] },
  { name: '--db-password=X', argv: (s) => ['node', 'migrate.js', `--db-password=${s}`, 'up'] },
  { name: '--db-password X', argv: (s) => ['./bin/app', '--db-password', s, 'migrate'] },
  { name: 'redis-cli -a X', argv: (s) => ['redis-cli', '-a', s, 'FLUSHALL'] },
  { name: "curl -H 'Authorization: Bearer X'", argv: (s) => ['curl', '-H', `Authorization: Bearer ${s}`, 'https://api.example.com'] },
];

/** A deterministic generator, so a failure reproduces. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x80000000;
  };
}

const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
const SPECIAL = [' ', "'", '"', '@', ':', '/', '\\', '$', '!', '#', '%', '&', '=', '?', ';', '-', '`', '*'];

function randomSecret(random: () => number): string {
  let secret = '';
  const length = 8 + Math.floor(random() * 16);
  for (let i = 0; i < length; i++) secret += random() < 0.35 ? SPECIAL[Math.floor(random() * SPECIAL.length)] : LETTERS[Math.floor(random() * LETTERS.length)];
  // At least one run of letters long enough to be recognisable if it leaked.
  return `${secret}${LETTERS[Math.floor(random() * LETTERS.length)]!.repeat(1)}Qx${Math.floor(random() * 1e6)}`;
}

/** The runs of letters and digits of the secret long enough that finding one in the output means a leak. */
function recognisableParts(secret: string): string[] {
  return secret.split(/[^A-Za-z0-9]+/).filter((part) => part.length >= 5);
}

function expectNoLeak(output: string, secret: string, context: string): void {
  expect(output, context).not.toContain(secret);
  for (const part of recognisableParts(secret)) expect(output, `${context}: leaked "${part}"`).not.toContain(part);
}

/** The same command as a person might type it: single quotes, or double quotes with escapes. */
function doubleQuoted(argv: readonly string[]): string {
  return argv.map((word) => `"${word.replace(/["\\$`]/g, '\\$&')}"`).join(' ');
}

describe('redaction, fuzzed with random secrets (spaces, quotes, @, :)', () => {
  it.each(FORMS)('$name: the secret never appears', ({ name, argv }) => {
    const random = generator(name.length * 7919 + name.charCodeAt(0));
    for (let round = 0; round < 200; round++) {
      const secret = randomSecret(random);
      const words = argv(secret);
      const single = words.map(quoteArgument).join(' ');
      const outputs = {
        argv: redactArgv(words),
        'argv words': redactArgvWords(words).join(' '),
        'single-quoted line': redactCommandLine(single),
        'double-quoted line': redactCommandLine(doubleQuoted(words)),
        'inside bash -c': redactArgv(['bash', '-c', single]),
        'inside sh -c of a line': redactCommandLine(`cd /srv/app && sh -c ${quoteArgument(single)}`),
        'after an assignment inside bash -c': redactArgv(['bash', '-c', `PGHOST=db ${single}`]),
        'inside "$(…)"': redactCommandLine(`echo "$(${single})"`),
        'quoted in a message': redactMessage(`bash -c runs shell code built at run time ($X ${single}); it can't be judged.`),
        'quoted in an explain result': JSON.stringify(redactDeep({ reason: `runs shell code built at run time (${single})`, segments: [{ argv: words }] })),
      };
      for (const [how, output] of Object.entries(outputs)) expectNoLeak(output, secret, `${name}, ${how}: ${output}`);
    }
  });
});

describe('redaction keeps what is not a password', () => {
  const kept: Array<[string, string]> = [
    ['psql -p 5432 -h 127.0.0.1 app_dev', 'a psql port'],
    ['mysql -u root -p shop', "mysql's bare -p prompts; shop is the database"],
    ['psql --no-password app_dev', '--no-password names no secret'],
    ['npm test -- --coverage', 'an ordinary command'],
    ['curl -u alice https://example.com', 'curl -u without a password'],
    ['psql postgres://app@127.0.0.1/app_dev', 'a URI without a password'],
  ];
  it.each(kept)('%s (%s)', (line) => {
    expect(redactCommandLine(line)).toBe(line);
  });

  it('masks exactly the password', () => {
    expect(redactArgv(['mysql', '-pS3cret', 'shop'])).toBe('mysql -p******** shop');
    expect(redactArgv(['curl', '-u', 'alice:pw', 'https://x'])).toBe('curl -u alice:******** https://x');
    expect(redactCommandLine("psql \"host=db password='a b' dbname=app\"")).toBe("psql 'host=db password=******** dbname=app'");
    expect(redactCommandLine('DATABASE_URL=postgres://u:pw@db/app npm test')).toBe('DATABASE_URL=postgres://u:********@db/app npm test');
    expect(redactCommandLine('export PGPASSWORD=zz; psql')).toBe('export PGPASSWORD=********; psql');
  });

  it('leaves a message without a secret exactly as it was', () => {
    for (const text of ['script "test" is named as a test script; test suites usually write to the configured database.', "can't connect to 'db' (it's down) — run `dbsafe check`", 'runs the statements given on the command line: psql -p 5432 -c "select 1"']) {
      expect(redactMessage(text)).toBe(text);
    }
  });

  it('is idempotent: redacting a redacted line changes nothing', () => {
    const once = redactArgv(['bash', '-c', "mysql -pX db && psql 'postgres://u:p w@h/db'"]);
    expect(redactCommandLine(once)).toBe(once);
  });

  it('redacts every string of a structured result (explain)', () => {
    const result = redactDeep({ command: 'mysql -pS3cretQQ db', segments: [{ text: 'mysql -pS3cretQQ db', argv: ['mysql', '-pS3cretQQ', 'db'], reason: 'postgres://u:S3cretQQ@h' }] });
    expect(JSON.stringify(result)).not.toContain('S3cretQQ');
  });

  it('free text: URL passwords, conninfo and PASSWORD= values', () => {
    const text = redactSecretsInText('could not connect: "host=db password=S3cretQQ" postgres://u:S3cretQQ@h PGPASSWORD=S3cretQQ');
    expect(text).not.toContain('S3cretQQ');
  });
});
