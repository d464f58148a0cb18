// Evidence for language identification that franc's trigram models do not weigh well on short posts:
// letters only some alphabets have, and the commonest function words of each language.
// Scores are additive log-odds-like points per ISO 639-1 code.

export type Scores = Map<string, number>;

function add(scores: Scores, lang: string, points: number): void {
  scores.set(lang, (scores.get(lang) ?? 0) + points);
}

/** Letter → points per language, for Cyrillic text. Negative points: the alphabet lacks the letter. */
const CYRILLIC_LETTERS: Record<string, Record<string, number>> = {
  ә: { kk: 3 },
  ұ: { kk: 3 },
  һ: { kk: 2 },
  ғ: { kk: 1.5, tg: 1.5, uz: 1.5 },
  қ: { kk: 1.5, tg: 1.5, uz: 1.5 },
  ң: { kk: 1.5, ky: 1.5 },
  ө: { kk: 1.5, ky: 1.5 },
  ү: { kk: 1.5, ky: 1.5 },
  і: { kk: 1.5, uk: 2 },
  ї: { uk: 3 },
  є: { uk: 3 },
  ґ: { uk: 3 },
  ӣ: { tg: 3 },
  ӯ: { tg: 3 },
  ҷ: { tg: 3 },
  ҳ: { tg: 3, uz: 1.5 },
  ў: { uz: 3 },
  ы: { ru: 0.5, kk: 0.5, ky: 0.5, uk: -3, tg: -1.5 },
  э: { ru: 0.5, ky: 0.5, kk: 0.3, tg: 0.3, uk: -3 },
  ъ: { ru: 0.5, tg: 0.5, uk: -3, kk: -1, ky: -1 },
  ё: { ru: 1, uk: -3 },
  щ: { ru: 0.3, uk: 0.3, tg: -1 },
  ц: { tg: -1 },
};

/** Letters of the Kazakh Latin alphabet (2021) that Uzbek and English do not use. */
const LATIN_LETTERS: Record<string, Record<string, number>> = {
  ä: { kk: 3 },
  ı: { kk: 3 },
  ñ: { kk: 3 },
  ū: { kk: 3 },
  ş: { kk: 3 },
  ğ: { kk: 2 },
  ö: { kk: 2 },
  ü: { kk: 2 },
  w: { en: 1, uz: -1, kk: -1 },
};

const KAZAKH_ONLY = /[әғқұһі]/;
const SPECIAL_CYRILLIC = /[әғқңөұүһіїєґӣӯҳҷў]/;
const KYRGYZ_KAZAKH_SHARED = /[ңөү]/;
// Kyrgyz writes long vowels double (баалар, жаңы→ жаан, кечээ); Kazakh and Russian rarely do.
const KYRGYZ_LONG_VOWEL = /(аа|оо|уу|үү|өө|ээ|ыы)/g;
const UZBEK_APOSTROPHE = /[og]'/g;
const Q_NOT_U = /q(?!u)/g;

/** Adds letter evidence for a lowercase text (ё not yet folded). */
export function addLetterEvidence(scores: Scores, text: string, script: 'cyrillic' | 'latin'): void {
  const table = script === 'cyrillic' ? CYRILLIC_LETTERS : LATIN_LETTERS;
  const counts = new Map<string, number>();
  for (const ch of text) if (table[ch]) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  for (const [ch, count] of counts) {
    for (const [lang, points] of Object.entries(table[ch] ?? {}))
      add(scores, lang, points * Math.min(count, 2));
  }
  if (script === 'cyrillic') {
    const kazakhOnly = KAZAKH_ONLY.test(text);
    // Plain Cyrillic without a single letter of the other alphabets is most likely Russian.
    if (!SPECIAL_CYRILLIC.test(text)) add(scores, 'ru', 1);
    if (KYRGYZ_KAZAKH_SHARED.test(text)) add(scores, kazakhOnly ? 'kk' : 'ky', 3);
    const longVowels = text.match(KYRGYZ_LONG_VOWEL)?.length ?? 0;
    if (longVowels > 0) add(scores, 'ky', Math.min(longVowels, 3));
  } else {
    const apostrophes = text.match(UZBEK_APOSTROPHE)?.length ?? 0;
    if (apostrophes > 0) add(scores, 'uz', 3 * Math.min(apostrophes, 2));
    const q = text.match(Q_NOT_U)?.length ?? 0;
    if (q > 0) {
      add(scores, 'en', -1.5);
      add(scores, 'uz', 0.5);
      add(scores, 'kk', 0.5);
    }
  }
}

/** The commonest short words of each language, written as the normaliser outputs them (ё→е, one '). */
const FUNCTION_WORDS: Record<string, string> = {
  ru:
    'и в на не по за до у что это как все он она они мы вы я ты его ее их из от же бы ли или но да нет уже еще так там тут где ' +
    'когда кто чем чтобы если был была были было будет есть этот эта эти при без над под после только тоже ' +
    'также очень сегодня вчера сейчас теперь можно нужно надо снова с со к о об про который которые свой наш ' +
    'ваш всех всего себя даже вот пока почему опять новый новая цены курс уже выросли будут ничего ночью',
  uk:
    'в на не за до у і й та що це як з із зі від вже ще також буде будуть є був була були було його її їх ми ви він вона вони ' +
    'хто коли де але або чи після тільки лише дуже сьогодні вчора зараз тепер можна треба потрібно знову наш ' +
    'наша наші який яка які яке цей ця ці цього себе навіть ось поки чому нові новий щодо усі всі ціни долара ' +
    'гривні грн нема немає нічого вночі',
  kk:
    'және мен бен пен бұл осы сол үшін деп емес жоқ бар бір екі үш ол олар біз сіз сен бүгін ертең кеше қазір ' +
    'қандай неге жыл жылы күн теңге туралы арқылы бойынша кейін дейін сияқты тағы әлі өте барлық бәрі ' +
    'болды болады керек мүмкін жаңа ма ме ба бе ' +
    'jäne būl osy üşin dep emes joq bar bır bir bügin erteñ keşe qazır qazir turaly arqılı boiynşa keiin tağı ' +
    'äli öte barlıq bäri boldı boladı kerek jaña jıl jılı teñge',
  ky:
    'жана менен бул ошол үчүн деп эмес жок бир эки үч алар биз сиз сен бүгүн эртең кечээ азыр кайсы кандай ' +
    'эмне жылы күн сом тууралуу аркылуу боюнча кийин чейин сыяктуу дагы али абдан баары болду болот берет ' +
    'керек мүмкүн жаңы жалган',
  tg:
    'ва дар аз ба бо ки ин барои аст шуд буд кард мекунад мешавад нест ҳам як ду се имрӯз фардо дирӯз ҳоло ' +
    'пас боз мо шумо онҳо худ чун агар баъд пеш сомонӣ',
  uz:
    "va bu u bilan uchun emas yo'q bor bir ikki uch biz siz sen men bugun ertaga kecha hozir qaysi qanday " +
    "nima yil yili kun so'm haqida orqali bo'yicha keyin gacha kabi yana hali juda barcha hammasi yangi " +
    "bo'ldi bo'ladi beradi kerak mumkin ham esa edi ekan qildi da ga ni",
  en:
    'the a an of and to in is are was were be been for on with at by from this that it its as not but or ' +
    'have has had will would you we they he she our your their who what how why today tomorrow new more ' +
    'after before about just now says said there here my me all no yes can do does did last night than',
};

const WORD_LANGS = new Map<string, string[]>();
for (const [lang, words] of Object.entries(FUNCTION_WORDS)) {
  for (const word of words.split(/\s+/)) {
    if (!word) continue;
    const langs = WORD_LANGS.get(word) ?? [];
    if (!langs.includes(lang)) langs.push(lang);
    WORD_LANGS.set(word, langs);
  }
}

/** Adds function-word evidence: each hit is a point or so, capped so long texts do not run away. */
export function addWordEvidence(scores: Scores, tokens: readonly string[]): void {
  const hits = new Map<string, number>();
  for (const token of tokens) {
    const langs = WORD_LANGS.get(token);
    if (!langs) continue;
    // A word several languages share says less.
    for (const lang of langs) hits.set(lang, (hits.get(lang) ?? 0) + 1 / langs.length);
  }
  for (const [lang, count] of hits) add(scores, lang, 1.5 * Math.min(count, 6));
}
