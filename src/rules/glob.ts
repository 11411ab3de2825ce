const cache = new Map<string, RegExp>();

/** A `*` glob (the only wildcard rules use), matched against a whole word. */
export function globMatches(glob: string, text: string): boolean {
  let regex = cache.get(glob);
  if (!regex) {
    regex = new RegExp(`^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
    cache.set(glob, regex);
  }
  return regex.test(text);
}

/** How specific a glob is: wildcard-free globs win, then the one with more literal characters. */
export function globSpecificity(glob: string): number {
  return (glob.includes('*') ? 0 : 1000) + glob.replaceAll('*', '').length;
}
