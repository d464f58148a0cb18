import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.ts';

describe('toCsv', () => {
  it('quotes separators, quotes and line breaks, joins arrays with |', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', 'say "hi"\nthen'],
          [['n1', 'n2'], undefined],
        ],
      ),
    ).toBe('a,b\r\n"x,y","say ""hi""\nthen"\r\nn1|n2,\r\n');
  });

  it('defuses cells a spreadsheet would run as formulas, but not negative numbers', () => {
    expect(toCsv(['t'], [['=HYPERLINK("x")'], ['@SUM(1)'], [-5], ['+7 news']])).toBe(
      't\r\n"\'=HYPERLINK(""x"")"\r\n\'@SUM(1)\r\n-5\r\n\'+7 news\r\n',
    );
  });

  it('keeps post ids as in the JSON (a channel id starts with -), but defuses look-alikes', () => {
    expect(toCsv(['id'], [['-1001000000010_42'], ['-100_1+cmd'], ['-1_2_3']])).toBe(
      "id\r\n-1001000000010_42\r\n'-100_1+cmd\r\n'-1_2_3\r\n",
    );
  });
});
