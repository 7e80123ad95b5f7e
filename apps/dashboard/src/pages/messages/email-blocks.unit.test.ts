import { describe, expect, it } from 'vitest';
import { emailBlocks, insertBlock, starterTemplates } from './email-blocks';

const body = `<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Hi</mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
`;
const block = emailBlocks.find((b) => b.id === 'divider')!.mjml;

describe('email blocks', () => {
  it('go before </mj-body> by default', () => {
    const out = insertBlock(body, block, null);
    expect(out.indexOf('<mj-divider')).toBeGreaterThan(out.indexOf('Hi'));
    expect(out.indexOf('<mj-divider')).toBeLessThan(out.indexOf('</mj-body>'));
  });

  it('go at the cursor when it sits between sections, never inside one', () => {
    const between = body.indexOf('    <mj-section>');
    const atCursor = insertBlock(body, block, between);
    expect(atCursor.indexOf('<mj-divider')).toBeLessThan(atCursor.indexOf('Hi'));
    const inside = body.indexOf('Hi');
    const out = insertBlock(body, block, inside);
    expect(out.indexOf('<mj-divider')).toBeGreaterThan(out.indexOf('Hi'));
  });

  it('go above the footer with the unsubscribe link', () => {
    const withFooter = insertBlock(body, emailBlocks.find((b) => b.id === 'footer')!.mjml, null);
    const out = insertBlock(withFooter, block, null);
    expect(out.indexOf('<mj-divider border-width="1px" border-color="#e5e7eb" />\n      </mj-column>')).toBeLessThan(out.indexOf('{{ unsubscribe_url }}'));
    expect(out.indexOf('<mj-divider border-width="1px" border-color="#e5e7eb" />\n      </mj-column>')).toBeGreaterThan(out.indexOf('Hi'));
  });

  it('starters are whole MJML documents with an unsubscribe link, sections balanced', () => {
    for (const s of starterTemplates) {
      expect(s.body.startsWith('<mjml>')).toBe(true);
      expect(s.body).toContain('{{ unsubscribe_url }}');
      expect((s.body.match(/<mj-section\b/g) ?? []).length).toBe((s.body.match(/<\/mj-section>/g) ?? []).length);
    }
  });
});
