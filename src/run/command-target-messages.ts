import { redactSecretsInText } from '../target/describe.js';

/** What dbsafe says about the databases a command line names itself (assignments, client arguments, its directory). */
export const commandTargetMessages = {
  clientSettingUnknown: (client: string, written: string): string =>
    `${client} is told where to connect with "${redactSecretsInText(written)}", which is only known when the command runs, so dbsafe cannot check that database (fail closed). Write the value out, or run the client through a package script whose settings dbsafe can read.`,
  clientUrlUnreadable: (written: string, problem: string): string =>
    `the connection URL in the ${written} cannot be read: ${problem}. Correct the URL, so dbsafe can check the database it names.`,
  urlParameterNotRead: (written: string, parameter: string): string =>
    `the connection URL in the ${written} sets "${parameter}" in its query, which changes the database it reaches and which dbsafe does not read yet (fail closed). Put the host, port and database in the URL itself.`,
  conninfoUnreadable: (client: string, text: string): string =>
    `${client} is given the connection string "${redactSecretsInText(text).replace(/(password\s*=\s*)('[^']*'|\S+)/gi, '$1********')}", which dbsafe cannot read as key=value pairs (fail closed). Correct its quoting, or use -h/-p/-d options.`,
  conninfoKeyNotRead: (client: string, key: string): string =>
    `the connection string given to ${client} sets "${key}", which dbsafe does not read, so it cannot tell which database ${client} reaches (fail closed). Use host, port, dbname and user only, or -h/-p/-d options.`,
  optionsFileNotRead: (client: string, written: string): string =>
    `${client} takes its connection from an options file ("${written}"), which dbsafe does not read, so it cannot tell which database ${client} reaches (fail closed). Give the host and database on the command line instead.`,
  serviceNotRead: (client: string, service: string): string =>
    `${client} connects through the service "${service}" (PGSERVICE or service=), whose entry dbsafe does not read, so it cannot check that database (fail closed). Give the host, port and database directly.`,
  clientNamesNoDatabase: (client: string): string =>
    `${client} is given a server but no database, so dbsafe cannot check or back it up (fail closed). Name the database on the command line (for example -D name / -d name).`,
  valueUnknown: (written: string, name: string): string =>
    `the command sets ${name} with "${redactSecretsInText(written)}", which is only known when it runs, and ${name} decides which database is used or whether it is production, so dbsafe cannot check it (fail closed). Write the value out, or put it in the project's .env.`,
  environmentUnseen: (written: string): string =>
    `the command changes its environment in a way dbsafe cannot see ("${redactSecretsInText(written)}": a file or name known only when it runs, or a file it cannot read), and any variable could name the database (fail closed). Write the name out, and make the file readable.`,
  directoryUnknown: (written: string): string =>
    `the command moves to a directory only known when it runs ("${written}"), so dbsafe cannot tell which project and database it uses (fail closed). Run it from that directory, or write the directory out.`,
  noProjectThere: (dir: string): string =>
    `the command runs in ${dir}, which is not a dbsafe project with a database (no dbsafe configuration, or no database found there), so dbsafe cannot check or back it up (fail closed). Run it from a dbsafe project, or add dbsafe to that directory's project (npx dbsafe install) and name its database (DATABASE_URL in its .env).`,
  unitHeader: (where: string): string => `for ${where}:`,
  whereToLook: 'Run `dbsafe check -- <command>` to see every database the command will use, where each value came from, and every rule (`dbsafe explain --json -- <command>`: the same as JSON, its "target").',
};
