// Latin and Cyrillic letters that look alike. Spammers mix them ("kонтpакт") to dodge keyword
// filters; a token written mostly in one script gets the look-alikes of the other folded into it.

const LATIN_TO_CYRILLIC: Record<string, string> = {
  a: 'а',
  b: 'в',
  c: 'с',
  e: 'е',
  h: 'н',
  i: 'і',
  k: 'к',
  m: 'м',
  o: 'о',
  p: 'р',
  t: 'т',
  x: 'х',
  y: 'у',
};

const CYRILLIC_TO_LATIN: Record<string, string> = {
  а: 'a',
  в: 'b',
  с: 'c',
  е: 'e',
  н: 'h',
  і: 'i',
  к: 'k',
  м: 'm',
  о: 'o',
  р: 'p',
  т: 't',
  х: 'x',
  у: 'y',
};

function isCyrillic(code: number): boolean {
  return code >= 0x400 && code <= 0x52f;
}

function isLatin(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0xdf && code <= 0x24f);
}

/**
 * Folds a lowercase token that mixes Latin and Cyrillic letters into its majority script.
 * Tokens in one script come back unchanged (and cheaply).
 */
export function foldHomoglyphs(token: string): string {
  let latin = 0;
  let cyrillic = 0;
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i);
    if (isCyrillic(code)) cyrillic++;
    else if (isLatin(code)) latin++;
  }
  if (latin === 0 || cyrillic === 0) return token;
  // Fold into the script that can spell the whole token; when both can ("KOНTPAKT"), Cyrillic wins:
  // the monitored channels write mostly in Cyrillic. When neither can, the majority script wins.
  const toCyrillic = canFold(token, LATIN_TO_CYRILLIC, isLatin);
  const toLatin = canFold(token, CYRILLIC_TO_LATIN, isCyrillic);
  const table = toCyrillic || (!toLatin && cyrillic >= latin) ? LATIN_TO_CYRILLIC : CYRILLIC_TO_LATIN;
  let out = '';
  for (const ch of token) out += table[ch] ?? ch;
  return out;
}

function canFold(token: string, table: Record<string, string>, isSource: (code: number) => boolean): boolean {
  for (const ch of token) {
    if (isSource(ch.charCodeAt(0)) && table[ch] === undefined) return false;
  }
  return true;
}
