import { describe, expect, it } from 'vitest';
import { foldLookalikes, matchesPattern, nameWords, productionToken } from '../../src/safety/words.js';
import { replicaHostWord } from '../../src/safety/hosts.js';

// Spelled with escapes so the look-alike letter cannot be lost in an editor.
const CYRILLIC_O = '\u043e';
const CYRILLIC_CAPITAL_O = '\u041e';
const GREEK_OMICRON = '\u03bf';
const GREEK_CAPITAL_RHO = '\u03a1';
const CYRILLIC_I = '\u0456';
const COMBINING_ACUTE = '\u0301';

describe('production words written with look-alike letters', () => {
  it.each([
    [`app_pr${CYRILLIC_O}d`, 'prod'],
    [`pr${CYRILLIC_O}duction`, 'production'],
    [`PR${CYRILLIC_CAPITAL_O}D`, 'prod'],
    [`shop_${GREEK_CAPITAL_RHO}R${CYRILLIC_CAPITAL_O}D`, 'prod'],
    [`app_pr${GREEK_OMICRON}d`, 'prod'],
    [`orders_l${CYRILLIC_I}ve`, 'live'],
    ['app_ｐｒｏｄ', 'prod'],
    ['ＰＲＯＤＵＣＴＩＯＮ', 'production'],
    ['app_𝐩𝐫𝐨𝐝', 'prod'],
    ['ⓟⓡⓓ_db', 'prd'],
    [`app_pro${COMBINING_ACUTE}d`, 'prod'],
    ['app_pröd', 'prod'],
    ['app_pro\u200bd', 'prod'],
    ['app_pro\u00add', 'prod'],
    ['app_ᴘʀᴏᴅ', 'prod'],
    ['APP_\u13e2\u13d2\u13a0', 'prd'],
    [`shop.settings.pr${CYRILLIC_O}duction`, 'production'],
  ])('%j is read as the production word %s', (name, token) => {
    expect(productionToken(name)).toBe(token);
  });

  it.each(['delivery_dev', 'products_test', 'liveliness', 'productivity', 'app_dev', 'shop_développement', `пр${CYRILLIC_O}дукт`, 'crm_staging'])('%j still passes', (name) => {
    expect(productionToken(name)).toBeNull();
  });

  it('folds full-width, accents and Cyrillic letters into the Latin letters shown, keeping the rest', () => {
    expect(foldLookalikes(`Ｐr${CYRILLIC_O}d-é`)).toBe('Prod-e');
    expect(nameWords(`ordersL${CYRILLIC_I}ve`)).toEqual(['orders', 'live']);
  });

  it('configured patterns and replica words see the folded name too', () => {
    expect(matchesPattern(`eu-m${'\u0430'}in.db.internal`, 'eu-main')).toBe(true);
    expect(matchesPattern(`shop_m${'\u0430'}in`, '/_main$/')).toBe(true);
    expect(replicaHostWord(`db-r${'\u0435'}plica.internal`)).toBe('replica');
  });
});
