// Evidence for language identification that franc's trigram models do not weigh well on short posts:
// letters only some alphabets have, and the commonest function words of each language. Points are
// additive, per language; computed in one char-code pass with typed arrays (it runs on every post).

/** Languages that have evidence tables; others can be candidates but get franc's opinion only. */
export const EVIDENCE_LANGS = ['ru', 'uk', 'kk', 'ky', 'tg', 'uz', 'en'] as const;
export const LANG_INDEX: ReadonlyMap<string, number> = new Map(EVIDENCE_LANGS.map((lang, i) => [lang, i]));

type Points = Partial<Record<(typeof EVIDENCE_LANGS)[number], number>>;

/** Letter → points per language (counted up to twice). Negative: the alphabet lacks the letter. */
const LETTERS: Record<string, Points> = {
  // Cyrillic
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
  щ: { ru: 0.3, uk: 0.3, tg: -1 },
  ц: { tg: -1 },
  // Latin: letters of the Kazakh Latin alphabet (2021) that Uzbek and English do not use
  ä: { kk: 3 },
  ı: { kk: 3 },
  ñ: { kk: 3 },
  ū: { kk: 3 },
  ş: { kk: 3 },
  ğ: { kk: 2 },
  ö: { kk: 2 },
  ü: { kk: 2 },
  // Kazakh Latin of 2018 (acute accents), still seen in posts
  á: { kk: 2 },
  ǵ: { kk: 3 },
  ń: { kk: 3 },
  ó: { kk: 2 },
  ú: { kk: 2 },
  ý: { kk: 3 },
  w: { en: 1, uz: -1, kk: -1 },
};

const SLOT = new Uint8Array(0x500);
const SLOT_POINTS: Float64Array[] = [new Float64Array(EVIDENCE_LANGS.length)];
for (const [letter, points] of Object.entries(LETTERS)) {
  SLOT[letter.charCodeAt(0)] = SLOT_POINTS.length;
  const row = new Float64Array(EVIDENCE_LANGS.length);
  for (const [lang, value] of Object.entries(points)) row[LANG_INDEX.get(lang) ?? 0] = value;
  SLOT_POINTS.push(row);
}
const slotOf = (letter: string) => SLOT[letter.charCodeAt(0)] ?? 0;
/** Letters of the non-Russian Cyrillic alphabets: plain Cyrillic without any of them is most likely Russian. */
const SPECIAL_CYRILLIC = [...'әғқңөұүһіїєґӣӯҳҷў'].map(slotOf);
const KAZAKH_ONLY = [...'әғқұһі'].map(slotOf);
const KYRGYZ_KAZAKH_SHARED = [...'ңөү'].map(slotOf);
// Kyrgyz writes long vowels double (баалар, жаан, кечээ); Kazakh and Russian rarely do.
const LONG_VOWELS = new Set([...'аоуүөэы'].map((ch) => ch.charCodeAt(0)));

const idx = (lang: (typeof EVIDENCE_LANGS)[number]) => LANG_INDEX.get(lang) ?? 0;
const RU = idx('ru');
const UK = idx('uk');
const KK = idx('kk');
const KY = idx('ky');
const UZ = idx('uz');
const EN = idx('en');

function anyCounted(counts: Uint8Array, slots: readonly number[]): boolean {
  for (const slot of slots) if ((counts[slot] ?? 0) > 0) return true;
  return false;
}

/** Adds letter evidence of lowercase tokens to `scores` (indexed like EVIDENCE_LANGS). */
export function addLetterEvidence(
  scores: Float64Array,
  tokens: readonly string[],
  script: 'cyrillic' | 'latin',
  hasYo: boolean,
): void {
  const counts = new Uint8Array(SLOT_POINTS.length);
  let letters = 0;
  let longVowels = 0;
  let uzbekApostrophes = 0;
  let qNotU = 0;
  for (const token of tokens) {
    let prev = 0;
    letters += token.length;
    for (let i = 0; i < token.length; i++) {
      const code = token.charCodeAt(i);
      if (code < 0x500) {
        const slot = SLOT[code] ?? 0;
        if (slot !== 0 && (counts[slot] ?? 0) < 2) counts[slot] = (counts[slot] ?? 0) + 1;
      }
      if (code === prev && LONG_VOWELS.has(code)) longVowels++;
      else if (code === 0x27 && (prev === 0x6f || prev === 0x67)) uzbekApostrophes++;
      else if (prev === 0x71 && code !== 0x75) qNotU++;
      prev = code;
    }
    if (prev === 0x71) qNotU++;
  }
  for (let slot = 1; slot < counts.length; slot++) {
    const count = counts[slot] ?? 0;
    if (count === 0) continue;
    const row = SLOT_POINTS[slot];
    if (row) for (let l = 0; l < row.length; l++) scores[l] = (scores[l] ?? 0) + (row[l] ?? 0) * count;
  }
  if (script === 'cyrillic') {
    if (hasYo) {
      scores[RU] = (scores[RU] ?? 0) + 1;
      scores[UK] = (scores[UK] ?? 0) - 3;
    }
    if (!anyCounted(counts, SPECIAL_CYRILLIC)) scores[RU] = (scores[RU] ?? 0) + 1;
    if (anyCounted(counts, KYRGYZ_KAZAKH_SHARED)) {
      if (anyCounted(counts, KAZAKH_ONLY)) scores[KK] = (scores[KK] ?? 0) + 3;
      // The absence of і, қ, ғ… says little in two words and much in two sentences.
      else scores[KY] = (scores[KY] ?? 0) + 3 * Math.min(1, letters / 30);
    }
    if (longVowels > 0) scores[KY] = (scores[KY] ?? 0) + Math.min(longVowels, 3);
  } else {
    if (uzbekApostrophes > 0) scores[UZ] = (scores[UZ] ?? 0) + 3 * Math.min(uzbekApostrophes, 2);
    if (qNotU > 0) {
      scores[EN] = (scores[EN] ?? 0) - 1.5;
      scores[UZ] = (scores[UZ] ?? 0) + 0.5;
      scores[KK] = (scores[KK] ?? 0) + 0.5;
    }
  }
}

/** The commonest short words of each language, written as the normaliser outputs them (ё→е, one '). */
const FUNCTION_WORDS: Record<(typeof EVIDENCE_LANGS)[number], string> = {
  ru:
    'и в на не по за до у что это как все он она они мы вы я ты его ее их из от же бы ли или но да нет уже еще ' +
    'так там тут где когда кто чем чтобы если был была были было будет есть этот эта эти при без над под после ' +
    'только тоже также очень сегодня вчера сейчас теперь можно нужно надо снова с со к о об про который которые ' +
    'свой наш ваш всех всего себя даже вот пока почему опять новый новая цены курс выросли будут ничего ночью ' +
    // Russian transliterated into Latin letters
    'chto eto kak vse uzhe est dlya ne na po iz ot ty my vy oni tak tut tam kto gde kogda pishite pishi ' +
    'smotrite opyat segodnya zavtra privet spasibo ochen mozhno nado nuzhno bylo budet esli tolko seychas v s k',
  uk:
    'в на не за до у і й та що це як з із зі від вже ще також буде будуть є був була були було його її їх ми ви ' +
    'він вона вони хто коли де але або чи після тільки лише дуже сьогодні вчора зараз тепер можна треба ' +
    'потрібно знову наш наша наші який яка які яке цей ця ці цього себе навіть ось поки чому нові новий щодо ' +
    'усі всі ціни долара гривні грн нема немає нічого вночі',
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
    "bo'ldi bo'ladi beradi kerak mumkin ham esa edi ekan qildi da ga ni " +
    // Uzbek in Cyrillic
    'ва бу билан учун эмас йўқ бор бир яна жуда ҳам эса бугун эртага кеча ҳозир қандай нима янги бўлди ' +
    'бўлади керак мумкин',
  en:
    'the a an of and to in is are was were be been for on with at by from this that it its as not but or ' +
    'have has had will would you we they he she our your their who what how why today tomorrow new more ' +
    'after before about just now says said there here my me all no yes can do does did last night than',
};

/** word → points per language; a word several languages share is worth less to each. */
const WORD_POINTS = new Map<string, Float64Array>();
{
  const langsOf = new Map<string, number[]>();
  for (const [lang, words] of Object.entries(FUNCTION_WORDS)) {
    for (const word of words.split(/\s+/)) {
      if (!word) continue;
      const langs = langsOf.get(word) ?? [];
      const index = LANG_INDEX.get(lang) ?? 0;
      if (!langs.includes(index)) langs.push(index);
      langsOf.set(word, langs);
    }
  }
  for (const [word, langs] of langsOf) {
    const row = new Float64Array(EVIDENCE_LANGS.length);
    for (const index of langs) row[index] = 1 / langs.length;
    WORD_POINTS.set(word, row);
  }
}

/** Adds function-word evidence: 1.5 points a hit, capped at six hits so long texts do not run away. */
export function addWordEvidence(scores: Float64Array, tokens: readonly string[]): void {
  const hits = new Float64Array(EVIDENCE_LANGS.length);
  for (const token of tokens) {
    const row = WORD_POINTS.get(token);
    if (row) for (let l = 0; l < row.length; l++) hits[l] = (hits[l] ?? 0) + (row[l] ?? 0);
  }
  for (let l = 0; l < hits.length; l++) scores[l] = (scores[l] ?? 0) + 1.5 * Math.min(hits[l] ?? 0, 6);
}
