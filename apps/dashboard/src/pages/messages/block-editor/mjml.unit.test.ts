import { describe, expect, it } from 'vitest';
import { newBlock, paletteKinds, type Block } from './blocks';
import { blankEmail, emailOf, generateEmail, hasUnsubscribe, parseEmail } from './mjml';
import { escapeAttribute, escapeText, paragraphToText, textToParagraphs } from './rich-text';
import { starterTemplates } from '../email-blocks';

const roundTrip = (body: string) => generateEmail(parseEmail(body)!);

// Every kind with fields that exercise escaping, markup and Liquid, besides each kind's default.
const samples: Block[] = [
  ...paletteKinds.map(newBlock),
  { kind: 'text', style: 'heading', text: 'Hi {{ profile.traits.first_name | default: "there" }} & <friends>' },
  { kind: 'text', style: 'paragraph', text: 'First **bold** line\nsecond [our shop](https://shop.example/?a=1&b=2) line\n\nSecond paragraph {% if x %}yes{% endif %}' },
  { kind: 'image', src: '{{ event.properties.image_url }}', alt: 'A "quoted" <alt>', href: '' },
  { kind: 'button', label: 'Save 10% & more', href: '{{ event.properties.url | default: "https://x" }}', color: '#ff0000' },
  { kind: 'columns', left: 'Left **A**', right: 'Right\n\nmore' },
  { kind: 'products', strategy: 'similar', title: '', count: 1 },
  { kind: 'products', strategy: 'buy_again', title: 'Again & again', count: 4 },
  { kind: 'social', links: [{ network: 'x', href: 'https://x.com/a' }, { network: 'youtube', href: 'https://youtube.com/b' }] },
  { kind: 'footer', text: 'Shop Ltd, 1 Road\nLondon', unsubscribeLabel: 'Opt out' },
  { kind: 'footer', text: '', unsubscribeLabel: 'Unsubscribe' },
  { kind: 'custom', source: '<mj-hero background-url="https://x/y.png">\n      <mj-text>Hero</mj-text>\n    </mj-hero>' },
];

describe('block editor model', () => {
  it.each(samples.map((b) => [b.kind, b] as const))('generates, parses and generates %s blocks the same', (_, block) => {
    const body = emailOf([block]);
    const doc = parseEmail(body)!;
    // Liquid strings inside an attribute come back single-quoted (see the escaping test).
    const expected = block.kind === 'button' ? { ...block, href: block.href.replace(/"/g, "'") } : block;
    expect(doc.blocks).toEqual([expected]);
    expect(generateEmail(doc)).toBe(body);
  });

  it('reads every starter of the gallery (and the blank email) as the editor’s blocks, and writes it back the same', () => {
    for (const body of [...starterTemplates.map((s) => s.body), blankEmail]) {
      const doc = parseEmail(body)!;
      expect(doc.blocks.filter((b) => b.kind === 'custom')).toEqual([]);
      expect(doc.blocks.at(-1)?.kind).toBe('footer');
      expect(generateEmail(doc)).toBe(body);
    }
  });

  it('keeps a section it does not know verbatim, between blocks it knows', () => {
    const unknown = `<mj-section padding="40px 0" css-class="hero">
      <mj-column width="70%">
        <mj-text>{% for i in (1..3) %}<em>{{ i }}</em>{% endfor %}</mj-text>
      </mj-column>
    </mj-section>`;
    // A near miss of one of ours (a different colour of divider) is not rewritten either.
    const nearMiss = `<mj-section background-color="#ffffff" padding="6px 0">
      <mj-column>
        <mj-divider border-width="2px" border-color="#000000" />
      </mj-column>
    </mj-section>`;
    const comment = '<!-- made by hand -->';
    const base = emailOf([newBlock('text'), newBlock('footer')]);
    const body = base.replace('    <mj-section>', `    ${unknown}\n    ${comment}\n    ${nearMiss}\n    <mj-section>`);
    const doc = parseEmail(body)!;
    expect(doc.blocks.map((b) => b.kind)).toEqual(['text', 'custom', 'custom', 'custom', 'footer']);
    expect(doc.blocks[1]).toEqual({ kind: 'custom', source: unknown });
    expect(doc.blocks[2]).toEqual({ kind: 'custom', source: comment });
    expect(doc.blocks[3]).toEqual({ kind: 'custom', source: nearMiss });
    expect(generateEmail(doc)).toBe(body);
    // Moving the unknown section keeps it byte for byte.
    const moved = generateEmail({ ...doc, blocks: [doc.blocks[1]!, doc.blocks[0]!, doc.blocks[4]!] });
    expect(moved).toContain(`    ${unknown}\n`);
    expect(roundTrip(moved)).toBe(moved);
  });

  it('keeps the head and the body attributes of a hand-written document', () => {
    const body = `<mjml>\n  <mj-head><mj-title>T</mj-title></mj-head>\n  <mj-body width="500px">\n    <mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section>\n  </mj-body>\n</mjml>\n`;
    const doc = parseEmail(body)!;
    expect(doc.head).toBe(`<mjml>\n  <mj-head><mj-title>T</mj-title></mj-head>\n  <mj-body width="500px">\n`);
    expect(doc.blocks).toEqual([{ kind: 'custom', source: '<mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section>' }]);
    expect(generateEmail(doc)).toBe(body);
    expect(parseEmail('<mjml><mj-head /></mjml>')).toBeNull();
  });

  it('escapes text as HTML but leaves Liquid as written', () => {
    expect(escapeText('a < b & "c" {{ x | default: "<y>" }} {% if a > b %}')).toBe('a &lt; b &amp; &quot;c&quot; {{ x | default: "<y>" }} {% if a > b %}');
    // In an attribute a double quote inside Liquid would end the value: Liquid reads single quotes the same.
    expect(escapeAttribute('https://x/?a=1&b="2" {{ u | default: "z" }}')).toBe('https://x/?a=1&amp;b=&quot;2&quot; {{ u | default: \'z\' }}');
    expect(textToParagraphs('**<b>** [go](https://x/?a&b)\nnext\n\n\nthird')).toEqual(['<strong>&lt;b&gt;</strong> <a href="https://x/?a&amp;b">go</a><br />next', 'third']);
    expect(textToParagraphs('[{{ p.name }}]({{ p.url }}) **{{ x }}**')).toEqual(['<a href="{{ p.url }}">{{ p.name }}</a> <strong>{{ x }}</strong>']);
    expect(paragraphToText('<strong>&lt;b&gt;</strong> <a href="https://x/?a&amp;b">go</a><br />next')).toBe('**<b>** [go](https://x/?a&b)\nnext');
    expect(paragraphToText('<em>not ours</em>')).toBeNull();
  });

  it('writes user text escaped into the MJML', () => {
    const body = emailOf([{ kind: 'button', label: '</mj-button><mj-raw>x', href: 'javascript:"', color: '#000' }]);
    expect(body).toContain('<mj-button href="javascript:&quot;" background-color="#000">&lt;/mj-button&gt;&lt;mj-raw&gt;x</mj-button>');
    expect(parseEmail(body)!.blocks[0]).toEqual({ kind: 'button', label: '</mj-button><mj-raw>x', href: 'javascript:"', color: '#000' });
  });

  it('finds the unsubscribe link in the footer or in any block that writes it, else warns', () => {
    expect(hasUnsubscribe([newBlock('text'), newBlock('footer')])).toBe(true);
    expect(hasUnsubscribe([{ kind: 'text', style: 'paragraph', text: '[Stop these emails]({{ unsubscribe_url }})' }])).toBe(true);
    expect(hasUnsubscribe([{ kind: 'custom', source: '<mj-section><mj-column><mj-text><a href="{{ unsubscribe_url }}">x</a></mj-text></mj-column></mj-section>' }])).toBe(true);
    expect(hasUnsubscribe([newBlock('text'), newBlock('button'), newBlock('social')])).toBe(false);
  });
});
