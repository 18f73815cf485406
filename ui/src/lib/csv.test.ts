import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from './csv';

describe('csv', () => {
  it('quotes what needs quoting and defuses formulas', () => {
    const cases: [unknown, string][] = [
      ['plain', 'plain'], ['a,b', '"a,b"'], ['say "hi"', '"say ""hi"""'], ['two\nlines', 'two lines'],
      [null, ''], [42, '42'], [true, 'true'], [['a', 'b'], 'a; b'], ['=SUM(A1)', "'=SUM(A1)"], ['-1', "'-1"], ['@x', "'@x"],
      // Control characters are cleaned first and the guard looks past leading blanks.
      ['\u0000=HYPERLINK("http://x")', `"' =HYPERLINK(""http://x"")"`], ['\t=1+1', "' =1+1"], ['\r=1', "' =1"],
      ['  +1', "'  +1"], ['＝1', "'＝1"],
    ];
    for (const [v, out] of cases) expect(csvCell(v), JSON.stringify(v)).toBe(out);
  });
  it('writes a header and one CRLF line per row', () => {
    const rows = [{ id: 'D1', name: 'Cam, lobby' }, { id: 'D2', name: 'NVR' }];
    const text = toCsv([{ header: 'id', value: (r: (typeof rows)[0]) => r.id }, { header: 'name', value: (r) => r.name }], rows);
    expect(text).toBe('id,name\r\nD1,"Cam, lobby"\r\nD2,NVR\r\n');
  });
});
