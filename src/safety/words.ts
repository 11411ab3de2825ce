import { LATIN_LOOKALIKES } from './confusables.js';
import { PRODUCTION_TOKENS } from './rules.js';

const ASCII = /^[\x00-\x7f]*$/;
const LOOKALIKE = new RegExp(`[${Object.keys(LATIN_LOOKALIKES).join('')}]`, 'gu');

/**
 * The Latin letters a name shows on screen: full-width and other
 * compatibility forms by NFKC, accents and invisible characters removed,
 * Cyrillic, Greek and other look-alikes replaced (confusables.ts). So
 * `app_prоd` with a Cyrillic о, `ｐｒｏｄ` and `pröd` are matched as `prod`. Pure.
 */
export function foldLookalikes(text: string): string {
  // Plain ASCII folds to itself: skip the Unicode tables (their first use costs tens of milliseconds of every command's start).
  if (ASCII.test(text)) return text;
  return text
    .normalize('NFKC')
    .normalize('NFD')
    .replace(/[\p{M}\p{Default_Ignorable_Code_Point}]/gu, '')
    .replace(LOOKALIKE, (letter) => LATIN_LOOKALIKES[letter]!)
    .normalize('NFC');
}

/**
 * The words of a name: split on anything that is not a letter or digit, at
 * camelCase humps, and between letters and digits. `ordersLive` → orders, live;
 * `shop.settings.production` → shop, settings, production; `app_prod2` → app, prod, 2.
 * Matching whole words keeps `liveliness` and `productivity` out of the net.
 * Look-alike letters are folded first (foldLookalikes).
 */
export function nameWords(name: string): string[] {
  return foldLookalikes(name)
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([A-Za-z])([0-9])/g, '$1 $2')
    .replace(/([0-9])([A-Za-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word.toLowerCase());
}

/** The first production token among the words of `name`, or null. */
export function productionToken(name: string): string | null {
  return nameWords(name).find((word) => PRODUCTION_TOKENS.includes(word)) ?? null;
}

export function isProductionName(name: string): boolean {
  return productionToken(name) !== null;
}

/**
 * Does `name` match a configured production pattern? `/regex/` is tested
 * case-insensitively against the whole name; anything else is a word or
 * a run of words (`eu-main`) that must appear as consecutive words of the name.
 */
export function matchesPattern(name: string, pattern: string): boolean {
  if (pattern.length > 2 && pattern.startsWith('/') && pattern.endsWith('/')) {
    const regex = new RegExp(pattern.slice(1, -1), 'i');
    return regex.test(name) || regex.test(foldLookalikes(name));
  }
  const wanted = nameWords(pattern);
  if (wanted.length === 0) return false;
  const words = nameWords(name);
  for (let start = 0; start + wanted.length <= words.length; start++) {
    if (wanted.every((word, i) => words[start + i] === word)) return true;
  }
  return false;
}
