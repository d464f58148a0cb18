// Text as analysts and the taggers see it: NFC, no control or zero-width characters, runs of
// spaces collapsed, paragraphs kept (a single newline between them). The original is kept aside.

const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200D\u2060\uFEFF]/g;
/** Anything the replacements below would change; most posts have none, and one test is cheaper. */
const NEEDS_CLEANING =
  /[\u0000-\u0009\u000B-\u001F\u007F-\u00A0\u200B-\u200D\u2060\uFEFF\u2000-\u200A\u202F\u205F\u3000]| {2}| \n|\n[ \n]|^\s|\s$/;

export function cleanText(text: string): string {
  const nfc = text.normalize('NFC');
  if (!NEEDS_CLEANING.test(nfc)) return nfc;
  return nfc
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, '')
    .replace(/[ \t\u00A0\u2000-\u200A\u202F\u205F\u3000]+/g, ' ')
    .replace(/ *\n[ \n]*/g, '\n')
    .trim();
}
