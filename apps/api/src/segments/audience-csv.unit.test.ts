import { describe, expect, it } from 'vitest';
import { audienceCsvHeader, audienceCsvLines, csvField } from './audience-csv';

describe('audience CSV', () => {
  it('quotes separators, quotes and line breaks, and keeps numbers bare', () => {
    expect(csvField('Smith, Jo')).toBe('"Smith, Jo"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(-12.5)).toBe('-12.5');
    expect(csvField(null)).toBe('');
  });

  it('keeps a value a spreadsheet would run as a formula as text', () => {
    expect(csvField('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvField('+1 555')).toBe("'+1 555");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('-2+3')).toBe("'-2+3");
  });

  it('writes one CRLF line per person under the header', () => {
    const csv =
      audienceCsvHeader +
      audienceCsvLines([
        { id: 'p_1', userId: 'u1', name: 'Ann', email: 'ann@example.com', firstSeen: '2011-01-01T00:00:00.000Z', lastSeen: null, orders: 2, revenue: 10.456, rfm: '545', rfmSegment: 'Champions', cltv: 99.999 },
      ]);
    expect(csv).toBe(
      'profile_id,user_id,name,email,first_seen,last_seen,orders,revenue,rfm,rfm_segment,cltv\r\n' +
        'p_1,u1,Ann,ann@example.com,2011-01-01T00:00:00.000Z,,2,10.46,545,Champions,100\r\n',
    );
  });
});
