// Channel decoration (footers, link and hashtag lines, emoji) is not what a post says: the rules and
// the classifier read around it. Footers here are team-written unit cases; the real ones, with their
// sources, are in corpus/decorations, used by classifier/decoration-stability.test.ts.
import { describe, expect, it } from 'vitest';
import { classifierText, withoutDecoration } from './decoration.ts';
import { DEFAULT_NARRATIVES_DIR } from './index.ts';
import { compileNarratives } from './narrative-compile.ts';
import { loadNarrativeDefinitions } from './narrative-loader.ts';
import { tagNarratives } from './narrative-match.ts';

const compiled = compileNarratives(loadNarrativeDefinitions(DEFAULT_NARRATIVES_DIR));
const recruitment = (text: string) =>
  tagNarratives(compiled, text).narratives.includes('mercenary_recruitment');

describe('withoutDecoration (what the rules read)', () => {
  it('drops promo footers in our languages, and lines of links, handles, hashtags or emoji', () => {
    const body = 'Курс доллара вырос до 95 рублей.';
    for (const footer of [
      'Подписаться | Прислать новость',
      '👉 Подписывайтесь на наш канал @almaty_news',
      'Підписатися на канал | Надіслати новину',
      'Жазылыңыз: t.me/kaz_news',
      "Kanalga obuna bo'ling 👉 @uz_news",
      'Subscribe to our channel: https://t.me/news_en',
      '@news_bot',
      'https://t.me/rian_ru/245123',
      '#новости #Казахстан',
      '⚡️⚡️⚡️',
      '@tengrinews — главные новости Казахстана и мира',
      'Топор Live. Подписаться',
      'Підписатися на Укрінформ',
      'Прислали через бота',
    ])
      expect(withoutDecoration(`${body}\n\n${footer}`), footer).toBe(body);
  });

  it('keeps lines that say more than promotion, and handles inside a sentence', () => {
    for (const text of [
      'Подпишись на контракт и получи 3 млн рублей.',
      'Пишите @recruit_bot, всё расскажем.',
      'Подписаться на СВО можно в пункте отбора на Ленина, 5.',
      'Наш канал о службе по контракту: выплаты, льготы, документы.',
      'Телефон горячей линии: +7 900 123-45-67',
      'Подписывайся на СВО!',
      'Пишите @recruit_bot',
      'Анкета и вопросы — пишите в бот @army_bot',
    ])
      expect(withoutDecoration(`Новости.\n${text}`), text).toBe(`Новости.\n${text}`);
  });

  it("keeps a unit's call to join with its link, and still drops a call to join the channel", () => {
    // The calls are the last lines of real @Tsaplienko posts (corpus train: /74410, /70773, /68618);
    // read as signatures, they were dropped and the post's offer with them. The channel joins are
    // real too (/85102, /92429 keeps its bot; the Russian one is a team-written case).
    const body = 'Боєць 80-ї бригади в свій перший бойовий вихід знищив більше 20 ворогів.';
    for (const call of [
      'Долучайся до лав 80-ої бригади: https://80dshv.mil.gov.ua',
      '🤝 Приєднуйся на https://135bat.army',
      'Долучитися до безпілотних підрозділів можна за посиланням: https://forms.gle/2cz4JX2XSFdjFGpQ8',
    ])
      expect(withoutDecoration(`${body}\n\n${call}`), call).toBe(`${body}\n\n${call}`);
    for (const footer of [
      'Долучайся до нас 👉 https://t.me/+E0tytHHYyfU0YTUy',
      'Присоединяйтесь к нам в Telegram: https://t.me/news_kz',
      '📲 Приєднуйтесь до каналу: https://t.me/zhytynazustrich',
    ])
      expect(withoutDecoration(`${body}\n\n${footer}`), footer).toBe(body);
  });

  it('leaves nothing of a post made only of decoration, and drops a link line before the text', () => {
    expect(withoutDecoration('@kaz_news\nhttps://t.me/kaz_news/1\n#новости')).toBe('');
    expect(withoutDecoration('https://t.me/kaz_news/1\nКонтракт с Минобороны.')).toBe(
      'Контракт с Минобороны.',
    );
    // One line is the post itself, whatever it holds.
    expect(withoutDecoration('Подписаться | Прислать новость')).toBe('Подписаться | Прислать новость');
  });

  it('returns an undecorated post as it is', () => {
    const text = 'Обычный текст: без ссылок и тегов. Второе предложение.';
    expect(withoutDecoration(text)).toBe(text);
    expect(classifierText(text)).toBe(text);
  });
});

describe('classifierText (what the classifier reads)', () => {
  it('also drops inline links, handles, emoji and hashtag signs', () => {
    expect(
      classifierText('⚡️ #Казахстан поставляет дроны, пишет @kaz_news: https://t.me/kaz_news/1 🔥'),
    ).toBe('Казахстан поставляет дроны, пишет :');
  });

  it('reads a decorated post as the same post undecorated', () => {
    const body = 'В Алматы открыли новый парк.\nОн работает с 9 утра.';
    expect(classifierText(`❗️${body}\n\n👉 Подписывайтесь на наш канал @almaty_news\n#Алматы #новости`)).toBe(
      body,
    );
  });
});

describe('the rules read around the decoration', () => {
  it('no longer take a footer for a signing-up and a contact', () => {
    // Before: "Подписаться" matched the signing group and the footer's handle the contact group.
    expect(recruitment('Курс доллара вырос до 95 рублей.\n\nПодписаться | Прислать новость @news_bot')).toBe(
      false,
    );
  });

  it('still count a handle to write to in the text as a contact', () => {
    const ad = 'Контракт с Минобороны, выплата 3 млн рублей при подписании. Пишите @recruit_bot';
    const evidence = tagNarratives(compiled, ad).narrativeEvidence.find(
      (e) => e.narrative === 'mercenary_recruitment',
    );
    expect(evidence?.signals.map((s) => s.matched)).toContain('@recruit_bot');
    // The same ad with a channel footer: the same verdict and score.
    const footed = tagNarratives(compiled, `${ad}\n\nПодписаться | @army_news`).narrativeEvidence.find(
      (e) => e.narrative === 'mercenary_recruitment',
    );
    expect(footed?.score).toBe(evidence?.score);
  });
});
