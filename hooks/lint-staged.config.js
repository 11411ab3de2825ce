// lint-staged configuration run by dbsafe's pre-commit hook (`dbsafe hook
// pre-commit`): every staged file goes to `dbsafe hook check-staged`, which
// refuses backups, dumps and .env files naming non-local or production
// databases, and checks the environment when migrations are staged.
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/dbsafe.cjs', import.meta.url));
const quoted = (text) => `"${text.replace(/(["\\$`])/g, '\\$1')}"`;

export default {
  '*': (files) => `${quoted(process.execPath)} ${quoted(cli)} hook check-staged ${files.map(quoted).join(' ')}`,
};
