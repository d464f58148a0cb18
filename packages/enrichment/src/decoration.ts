// The decoration channels wrap around a post: footers ("Подписаться | Прислать новость", "Жазылыңыз"),
// lines of links, @handles or hashtags, signatures, emoji. The corpus the tagger learned from is web
// text with almost none of it. Put around the train passages, real footers from real posts
// (corpus/decorations) changed 78 of 3,615 recruitment decisions, 69 of them new tags: the rules took
// "Подписаться" for signing up and a footer's handle for a contact to write to, and the classifier
// moved with emoji and handles it had never seen.
//
// Two readings: the rules read the post without its decoration lines (a handle inside a sentence,
// "пишите @recruiter", is still a contact); the classifier also loses inline links, handles, emoji and
// hashtag signs.

/**
 * Names how the rules read a post, folded into the rules' tagger version: posts tagged before a
 * change here carry another version, so `cw retag` finds them even when no definition changed.
 * `gated`: a rule hit also needs its narrative's gate; `distinct`: each `require` list is met by a
 * different signal group (both in narrative-match.ts); `designations`: a model designation's letters
 * ("РК-360МЦ") are no word (tokenise.ts, isDesignationLetters).
 */
export const RULES_READING = 'without-decoration-2+gated-1+distinct-1+designations-1';

const URL = /(?:https?:\/\/|www\.|\bt\.me\/)\S+/giu;
/** A Telegram username: 4–32 of [A-Za-z0-9_] after an @ that does not sit inside a word or an address. */
const HANDLE = /(?<![\p{L}\p{N}_.@])@[A-Za-z0-9_]{4,32}(?![A-Za-z0-9_])/gu;
/** Pictographs, flags, keycaps and the joiners and selectors that build them. */
const EMOJI =
  /[\p{Extended_Pictographic}\u{1F1E6}-\u{1F1FF}\u{1F3FB}-\u{1F3FF}\u20E3]|\uFE0E|\uFE0F|\u200D/gu;
/** A hashtag's sign; its word stays ("#Казахстан поставляет" reads "Казахстан поставляет"). */
const HASH = /(?<![\p{L}\p{N}_&])#(?=[\p{L}\p{N}_])/gu;
const HASHTAG = /(?<![\p{L}\p{N}_&])#[\p{L}\p{N}_]+/gu;
/** What is left of a line that held only links, handles, hashtags and emoji. */
const NOTHING = /^[\s|•·,.:;!?()[\]{}«»"'“”„—–-]*$/u;

/**
 * Calls to subscribe or to send the channel news, in our languages (lower case). Narrow on purpose:
 * "подпишись на контракт" and "подписаться на СВО" are recruitment, "подписаться на канал" is not.
 */
const FOOTER_CUE = new RegExp(
  [
    'подпи(?:саться|шись|шитесь|сывайтесь|сывайся)\\s+на\\s+(?:наш|нас|канал|рассылк|телеграм|telegram|max|макс)',
    'підпис(?:атися|атись|уйтесь|уйся)\\s+на\\s+(?:наш|нас|канал|розсилк|телеграм|telegram)',
    // A menu item on its own: "Подписаться | Прислать новость", "Підписатися • …", "Подписаться: t.me/…".
    '(?:^|[|•·])\\s*(?:подписаться|підписатися|підписатись)\\s*(?:$|[|•·:])',
    '(?:прислать|предложить|присылайте)\\s+(?:новост|фото|видео)',
    '(?:читайте|смотрите)\\s+нас\\s+(?:в|на)\\s|мы\\s+в\\s+(?:max|макс|telegram|телеграм|вк|vk)',
    '(?:надіслати|запропонувати|надсилайте)\\s+новин',
    '(?:арна|канал)\\S*\\s+жазыл',
    'obuna\\s*bo|обуна\\s*бўл',
    '\\bsubscribe\\b|\\bfollow\\s+(?:us\\b|@)',
  ].join('|'),
  'u',
);
/** The channel's other places a footer menu links to. */
const PLATFORMS =
  'youtube|instagram|telegram|facebook|вконтакте|tiktok|twitter|rutube|дзен|(?<!\\p{L})сайт(?!\\p{L})|\\b(?:vk|ig|fb|tt)\\b';
/** A menu of them: "Сайт | Telegram | Instagram | YouTube", "Підписатися • TT • IG • X • FB". */
const PLATFORM_MENU = new RegExp(`[|•].*(?:${PLATFORMS})|(?:${PLATFORMS}).*[|•]`, 'u');
/** Subscribe, in any form, unless to a contract, the service or the war ("подпишись на контракт"). */
const SUBSCRIBE =
  /(?:подпи(?:саться|сывайся|сывайтесь|шись|шитесь)|підпи(?:сатися|сатись|суйся|суйтесь|шись|шіться))(?!\s+на\s+(?:контракт|служб|сво(?!\p{L})|армию|войну|фронт|войск|військ|службу|війну))/u;
/** What a signature line points to: a link, a handle, a bot, or a call to subscribe. */
const POINTER = new RegExp(`${URL.source}|${HANDLE.source}|(?<!\\p{L})бот|${SUBSCRIBE.source}`, 'iu');
/**
 * A line that asks the reader to write or call someone, or to join a unit ("Долучайся до лав 80-ої
 * бригади: https://…", "Приєднуйся на https://135bat.army"), is the post's own contact or call, never
 * a footer; joining the channel or its community is ("Присоединяйтесь к нам в Telegram").
 */
const CONTACT =
  /(?<!\p{L})(?:пиш|напиш|звон|обращ|анкет|пишіть|звертай|телефонуй|write|call|apply|dm\b|enlist|(?:долуч|доєдн|приєдн|присоедин|вступ)(?!\p{L}*\s+(?:до|к|в|у|на)\s+(?:нас|нам|наш|канал|телеграм|telegram|спільнот|сообществ)))/iu;
/** A signature: this few words besides its pointers ("@tengrinews — главные новости", "Топор Live. Подписаться"). */
const SIGNATURE_WORDS = 8;
/** Footers sit in the last lines of a post. */
const TRAILING_LINES = 3;
/** Longer than three footer lines of 25 words. */
const TAIL_CHARS = 800;
/** Whether a line can be made of links, handles, hashtags and emoji: it holds one of their marks. */
const POINTER_MARK = /[@#]|https?:|www\.|t\.me\/|[\p{Extended_Pictographic}\u{1F1E6}-\u{1F1FF}]/u;
const POINTER_MARKS = new RegExp(POINTER_MARK.source, 'gu');
/**
 * Whether a last line can hold a footer with no pointer mark ("Прислали через бота", "Підписатися на
 * НВ"): plain substrings, a superset of the cues above, so most lines skip the long expressions.
 */
const CUE_MARK =
  /[|•]|бот|подпи|підпи|присла|присыла|предлож|надісл|надсила|запропон|читайте|смотрите|мы в |жазыл|obuna|обуна|subscribe|follow/i;

const WORD = /[\p{L}\p{N}'‘ʻ`’]+/gu;
/** Words in a line, counted without building them (every line of a long post's tail is counted). */
const words = (s: string) => {
  WORD.lastIndex = 0;
  let n = 0;
  while (WORD.exec(s)) n++;
  return n;
};

/** `trailing`: among the post's last lines and not its first; `marked`: it holds a pointer mark. */
function isDecorationLine(line: string, trailing: boolean, marked: boolean): boolean {
  if (!marked && !trailing) return false;
  const rest = marked
    ? line.replace(URL, ' ').replace(HANDLE, ' ').replace(HASHTAG, ' ').replace(EMOJI, ' ')
    : line;
  if (marked && NOTHING.test(rest)) return true;
  if (!trailing || (!marked && !CUE_MARK.test(line))) return false;
  const lower = line.toLowerCase().replace(EMOJI, '');
  const n = words(rest);
  if ((FOOTER_CUE.test(lower) || PLATFORM_MENU.test(lower)) && n <= 25) return true;
  return n <= SIGNATURE_WORDS && POINTER.test(lower) && !CONTACT.test(lower);
}

/**
 * The post without its decoration lines: what the rules read. A post of one line is its own content
 * (most posts: they return at once), so only posts with line breaks are looked at line by line.
 */
export function withoutDecoration(text: string): string {
  if (!text.includes('\n')) return text;
  // No pointer mark anywhere and no cue near the end: nothing to look for, as in most posts.
  if (!POINTER_MARK.test(text) && !CUE_MARK.test(text.slice(-TAIL_CHARS))) return text;
  const lines = text.split('\n');
  const first = lines.findIndex((line) => !NOTHING.test(line));
  // The last lines with something in them, after the first: where footers sit.
  const trailing = new Set<number>();
  for (let i = lines.length - 1; i > first && trailing.size < TRAILING_LINES; i--)
    if (!NOTHING.test(lines[i] as string)) trailing.add(i);
  // The lines holding a pointer mark, from one pass over the post.
  const marked = new Set<number>();
  let line = 0;
  let next = text.indexOf('\n');
  for (const m of text.matchAll(POINTER_MARKS)) {
    while (next >= 0 && next < m.index) {
      line++;
      next = text.indexOf('\n', next + 1);
    }
    marked.add(line);
  }
  if (marked.size === 0 && trailing.size === 0) return text;
  const kept = lines.filter(
    (l, i) => !((marked.has(i) || trailing.has(i)) && isDecorationLine(l, trailing.has(i), marked.has(i))),
  );
  return kept.length === lines.length ? text : kept.join('\n').trim();
}

/**
 * What the classifier reads (the gate, the n-grams, the encoder and the stance stage). `bare` is the
 * text's withoutDecoration, when the caller has it: a decorated post is read line by line only once.
 */
export function classifierText(text: string, bare = withoutDecoration(text)): string {
  if (!POINTER_MARK.test(bare)) return bare;
  // Runs of spaces and tabs never span a line, so they are collapsed once for the whole post.
  return bare
    .replace(URL, ' ')
    .replace(HANDLE, ' ')
    .replace(EMOJI, ' ')
    .replace(HASH, '')
    .replace(/[ \t]+/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => !NOTHING.test(line))
    .join('\n');
}
