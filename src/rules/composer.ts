import type { ShellWord } from './types.js';

/**
 * What a composer call runs: scripts by name (`composer test`, `composer run
 * X`) or the scripts of the events a built-in command fires (`composer
 * install` fires post-install-cmd and post-autoload-dump). Pure.
 */
export type ComposerCall = { kind: 'scripts'; names: string[]; nameWord: ShellWord | null; extra: ShellWord[] } | { kind: 'none' };

const EVENTS: Record<string, string[]> = {
  install: ['pre-install-cmd', 'post-install-cmd', 'pre-autoload-dump', 'post-autoload-dump'],
  i: ['pre-install-cmd', 'post-install-cmd', 'pre-autoload-dump', 'post-autoload-dump'],
  update: ['pre-update-cmd', 'post-update-cmd', 'pre-autoload-dump', 'post-autoload-dump'],
  u: ['pre-update-cmd', 'post-update-cmd', 'pre-autoload-dump', 'post-autoload-dump'],
  upgrade: ['pre-update-cmd', 'post-update-cmd', 'pre-autoload-dump', 'post-autoload-dump'],
  require: ['pre-update-cmd', 'post-update-cmd', 'pre-autoload-dump', 'post-autoload-dump'],
  remove: ['pre-update-cmd', 'post-update-cmd', 'pre-autoload-dump', 'post-autoload-dump'],
  'dump-autoload': ['pre-autoload-dump', 'post-autoload-dump'],
  dumpautoload: ['pre-autoload-dump', 'post-autoload-dump'],
};

/** Composer's own commands: anything else is a script name (composer runs custom scripts directly). */
const BUILT_INS = new Set(['about', 'archive', 'audit', 'browse', 'home', 'bump', 'check-platform-reqs', 'clear-cache', 'clearcache', 'config', 'create-project', 'depends', 'why', 'diagnose', 'exec', 'fund', 'global', 'help', 'init', 'licenses', 'list', 'outdated', 'prohibits', 'why-not', 'reinstall', 'search', 'self-update', 'selfupdate', 'show', 'info', 'status', 'suggests', 'validate', 'repository', 'repo']);

const VALUE_OPTIONS = new Set(['-d', '--working-dir', '--timeout']);

export function parseComposerCall(words: readonly ShellWord[]): ComposerCall {
  let index = 1;
  while (index < words.length && words[index]!.text.startsWith('-')) index += VALUE_OPTIONS.has(words[index]!.text) ? 2 : 1;
  const sub = words[index];
  if (!sub) return { kind: 'none' };
  const rest = words.slice(index + 1);
  if (rest.some((w) => w.text === '--no-scripts')) return { kind: 'none' };
  if (!sub.resolved) return { kind: 'scripts', names: [], nameWord: sub, extra: [] };
  if (EVENTS[sub.text]) return { kind: 'scripts', names: EVENTS[sub.text]!, nameWord: null, extra: [] };
  if (sub.text === 'run' || sub.text === 'run-script') {
    const name = rest.find((w) => !w.text.startsWith('-'));
    if (!name) return { kind: 'none' };
    return { kind: 'scripts', names: name.resolved ? [name.text] : [], nameWord: name, extra: rest.slice(rest.indexOf(name) + 1).filter((w) => w.text !== '--') };
  }
  if (BUILT_INS.has(sub.text)) return { kind: 'none' };
  return { kind: 'scripts', names: [sub.text], nameWord: sub, extra: rest.filter((w) => w.text !== '--') };
}

/** One entry of a composer script: another script (`@test`), a shell command (`@php artisan …` is `php artisan …`), or a PHP callback. */
export type ComposerEntry = { kind: 'script'; name: string } | { kind: 'command'; source: string } | { kind: 'callback'; name: string };

export function composerEntry(entry: string): ComposerEntry {
  const text = entry.trim();
  if (/^[A-Za-z_\\][\w\\]*::\w+$/.test(text)) return { kind: 'callback', name: text };
  const at = /^@(\S+)(.*)$/s.exec(text);
  if (!at) return { kind: 'command', source: text };
  const [, word, rest] = at;
  if (word === 'php' || word === 'composer') return { kind: 'command', source: `${word}${rest}` };
  if (word === 'putenv') return { kind: 'command', source: '' };
  return { kind: 'script', name: word! };
}
