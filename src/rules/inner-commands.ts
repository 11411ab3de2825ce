/**
 * Commands that never run their arguments as a command: an unknown command
 * word is searched for a known tool in its arguments (`run-as-runtime-user
 * php artisan migrate`, `only-once "x" bin/rake db:seed`), except these,
 * whose arguments are text, names or paths (`echo npm test`, `grep prisma`).
 */
export const NEVER_RUNS_ITS_ARGUMENTS: ReadonlySet<string> = new Set([
  'echo', 'printf', 'print', 'grep', 'egrep', 'fgrep', 'rg', 'ag', 'cat', 'less', 'more', 'head', 'tail', 'wc', 'sort', 'uniq', 'cut', 'tr', 'tee',
  'ls', 'stat', 'file', 'which', 'type', 'whereis', 'mkdir', 'rmdir', 'rm', 'cp', 'mv', 'ln', 'touch', 'chmod', 'chown', 'chgrp', 'basename', 'dirname', 'realpath', 'readlink',
  'test', '[', '[[', 'true', 'false', ':', 'export', 'unset', 'set', 'local', 'declare', 'readonly', 'alias', 'unalias', 'read', 'shift', 'return', 'exit', 'cd', 'pushd', 'popd',
  'sed', 'jq', 'yq', 'curl', 'wget', 'tar', 'zip', 'unzip', 'gzip', 'kill', 'pkill', 'killall', 'sleep', 'wait', 'date', 'diff', 'cmp', 'patch', 'mktemp', 'install', 'open', 'xdg-open',
  'systemctl', 'service', 'brew', 'apt', 'apt-get', 'yum', 'dnf', 'apk', 'pip', 'pip3', 'gem', 'cargo-install', 'nc', 'wait-for-it', 'dockerize', 'pg_isready',
  'log', 'logger', 'notify-send', 'say', 'man', 'info', 'help', 'hash', 'ps', 'lsof', 'pgrep',
  // Static analysis, linters and coverage uploaders: they read files (`composer test` that is only `phpstan analyse`, `test:coverage` that is only `codecov`).
  'phpstan', 'psalm', 'phpcs', 'phpcbf', 'php-cs-fixer', 'phpmd', 'rector', 'twigcs', 'eslint', 'tsc', 'prettier', 'stylelint', 'biome', 'oxlint', 'codecov', 'coveralls', 'golangci-lint', 'staticcheck',
  'mypy', 'ruff', 'flake8', 'pylint', 'black', 'isort', 'shellcheck', 'hadolint', 'markdownlint', 'cspell',
]);
