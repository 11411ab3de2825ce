/**
 * Letters of other scripts that look like Latin letters, as data: an `о`
 * (Cyrillic) in `app_prоd` must read as the `o` it looks like. Full-width,
 * mathematical, circled and superscript forms are NFKC's job and are not
 * listed; accents are removed as combining marks. From Unicode's
 * confusables.txt, the letters that pass for Latin in a monospaced font.
 */
export const LATIN_LOOKALIKES: Readonly<Record<string, string>> = {
  // Cyrillic
  а: 'a', в: 'b', с: 'c', ԁ: 'd', е: 'e', ё: 'e', һ: 'h', і: 'i', ї: 'i', ј: 'j', к: 'k', ӏ: 'l', м: 'm', о: 'o', р: 'p', ԛ: 'q',
  ѕ: 's', т: 't', у: 'y', ў: 'y', х: 'x', ԝ: 'w', ь: 'b', п: 'n', г: 'r', н: 'h', ɡ: 'g',
  А: 'A', В: 'B', С: 'C', Ԁ: 'D', Е: 'E', Ё: 'E', Һ: 'H', І: 'I', Ї: 'I', Ј: 'J', К: 'K', Ӏ: 'I', М: 'M', Н: 'H', О: 'O', Р: 'P',
  Ԛ: 'Q', Ѕ: 'S', Т: 'T', У: 'Y', Х: 'X', Ԝ: 'W', Ү: 'Y', Ь: 'b',
  // Greek
  α: 'a', β: 'b', ϲ: 'c', ε: 'e', η: 'n', ι: 'i', ϳ: 'j', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', γ: 'y', ω: 'w',
  Α: 'A', Β: 'B', Ϲ: 'C', Ε: 'E', Ζ: 'Z', Η: 'H', Ι: 'I', Ϳ: 'J', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Υ: 'Y', Χ: 'X',
  // Armenian
  օ: 'o', ս: 'u', ո: 'n', հ: 'h', ց: 'g', զ: 'q', Օ: 'O', Ս: 'U',
  // Cherokee capitals
  Ꭺ: 'A', Ᏼ: 'B', Ꮯ: 'C', Ꭰ: 'D', Ꭼ: 'E', Ꮋ: 'H', Ꭻ: 'J', Ꮶ: 'K', Ꮮ: 'L', Ꮇ: 'M', Ꮲ: 'P', Ꮢ: 'R', Ꮪ: 'S', Ꭲ: 'T', Ꮩ: 'V', Ꮃ: 'W', Ꮓ: 'Z',
  // Latin letters of other alphabets: small capitals, IPA, dotless i
  ᴀ: 'a', ʙ: 'b', ᴄ: 'c', ᴅ: 'd', ᴇ: 'e', ɢ: 'g', ʜ: 'h', ɪ: 'i', ᴊ: 'j', ᴋ: 'k', ʟ: 'l', ᴍ: 'm', ɴ: 'n', ᴏ: 'o', ᴘ: 'p', ʀ: 'r',
  ꜱ: 's', ᴛ: 't', ᴜ: 'u', ᴠ: 'v', ᴡ: 'w', ʏ: 'y', ᴢ: 'z', ɑ: 'a', ı: 'i', ȷ: 'j', ɩ: 'i', ʋ: 'v',
};
