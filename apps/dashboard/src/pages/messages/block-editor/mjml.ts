// Blocks ⇄ MJML, as pure functions. The MJML body is the only state: each block is one top-level
// <mj-section> of a shape generate() writes; parse() reads a section back only when generating the block
// it read gives the same section again, so a section it does not fully understand is never rewritten:
// it stays a "custom" block holding its source verbatim.
import { maxProducts, newBlock, socialNetworks, strategies, type Block } from './blocks';
import { escapeAttribute, escapeText, paragraphToText, paragraphsToText, textToParagraphs, unescapeHtml } from './rich-text';

/** An MJML document split for the block editor: everything up to `<mj-body …>`, its sections, and the rest. */
export interface EmailDocument {
  head: string;
  blocks: Block[];
  tail: string;
}

const contentSection = '<mj-section background-color="#ffffff" padding="6px 0">';

const section = (columns: string[][], open = contentSection) =>
  `    ${open}\n${columns.map((items) => `      <mj-column>\n${items.map((i) => `        ${i}\n`).join('')}      </mj-column>\n`).join('')}    </mj-section>\n`;

const texts = (text: string, attributes = '') => textToParagraphs(text).map((p) => `<mj-text${attributes}>${p}</mj-text>`);

const lines = (text: string) =>
  text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => escapeLine(l.trim()))
    .join('<br />');
const escapeLine = (l: string) => textToParagraphs(l)[0]!;

const headingAttributes = ' font-size="24px" font-weight="bold"';
const footerText = '<mj-text font-size="12px" color="#6b7280" align="center">';
const unsubscribeLink = (label: string) => `<a href="{{ unsubscribe_url }}" data-overture-notrack>${escapeText(label)}</a>`;

// The loop lives inside <mj-text>: MJML drops anything placed between its components.
const productLoop = (strategy: string, count: number) => {
  const width = Math.floor(100 / count);
  return `<mj-text>
          <table width="100%" role="presentation"><tr>
          {% for p in recommendations.${strategy} limit: ${count} %}<td width="${width}%" align="center" valign="top" style="padding:4px">{% if p.image_url %}<a href="{{ p.url }}"><img src="{{ p.image_url }}" alt="{{ p.name }}" width="160" style="max-width:100%;height:auto;border:0" /></a><br />{% endif %}<a href="{{ p.url }}">{{ p.name }}</a>{% if p.price %}<br /><strong>{{ p.price }}</strong>{% endif %}</td>{% endfor %}
          </tr></table>
        </mj-text>`;
};

/** One block as its MJML section (indented for a body, ending in a newline). */
export function generateBlock(block: Block): string {
  switch (block.kind) {
    case 'text':
      return section([texts(block.text, block.style === 'heading' ? headingAttributes : '')]);
    case 'image':
      return section([[`<mj-image src="${escapeAttribute(block.src)}" alt="${escapeAttribute(block.alt)}"${block.href ? ` href="${escapeAttribute(block.href)}"` : ''} />`]]);
    case 'button':
      return section([[`<mj-button href="${escapeAttribute(block.href)}" background-color="${escapeAttribute(block.color)}">${escapeText(block.label)}</mj-button>`]]);
    case 'columns':
      return section([texts(block.left), texts(block.right)]);
    case 'products': {
      const count = Math.min(maxProducts, Math.max(1, Math.round(block.count) || 1));
      return section([[...(block.title ? [`<mj-text font-size="18px" font-weight="bold">${escapeText(block.title)}</mj-text>`] : []), productLoop(block.strategy, count)]]);
    }
    case 'divider':
      return section([['<mj-divider border-width="1px" border-color="#e5e7eb" />']]);
    case 'social': {
      const links = socialNetworks.flatMap((n) => block.links.filter((l) => l.network === n.id && l.href.trim()).map((l) => `  <mj-social-element name="${n.id}" href="${escapeAttribute(l.href.trim())}">${escapeText(n.label)}</mj-social-element>`));
      return section([[['<mj-social font-size="14px" icon-size="20px" mode="horizontal">', ...links].join('\n        '), '</mj-social>']]);
    }
    case 'footer': {
      const text = block.text.trim() ? `${lines(block.text.trim())}<br />` : '';
      return section([['<mj-divider border-width="1px" border-color="#e5e7eb" />', `${footerText}${text}${unsubscribeLink(block.unsubscribeLabel)}</mj-text>`]], '<mj-section>');
    }
    case 'custom':
      return block.source.trim() ? `    ${block.source.trim()}\n` : '';
  }
}

export function generateEmail(doc: EmailDocument): string {
  return doc.head + doc.blocks.map(generateBlock).join('') + doc.tail;
}

/** The body of a new email made of blocks: the same head as the gallery's starters. */
export function emailOf(blocks: Block[]): string {
  return generateEmail({ head: defaultHead, blocks, tail: '  </mj-body>\n</mjml>\n' });
}

export const defaultHead = `<mjml>
  <mj-head>
    <mj-attributes>
      <mj-all font-family="Helvetica, Arial, sans-serif" />
      <mj-button background-color="#4f46e5" border-radius="6px" />
    </mj-attributes>
  </mj-head>
  <mj-body background-color="#f9fafb">
`;

/** Marketing email must carry an unsubscribe link: the footer's, or one written into any other block. */
export const hasUnsubscribe = (blocks: Block[]) => blocks.some((b) => generateBlock(b).includes('{{ unsubscribe_url }}'));

/** A new email: a greeting to write on from, and the footer with the unsubscribe link. */
export const blankEmail = emailOf([{ kind: 'text', style: 'paragraph', text: 'Hi {{ profile.traits.first_name | default: "there" }},\n\n…' }, newBlock('footer')]);

// ---- parsing ----

interface Element {
  tag: string;
  attributes: Record<string, string>;
  inner: string;
}

const openTag = /^<([a-zA-Z][\w-]*)((?:\s+[^\s=>/]+(?:="[^"]*"|='[^']*')?)*)\s*(\/?)>/;

/** Where the element starting at `start` ends (after its closing tag); the end of `src` if it never closes. */
function elementEnd(src: string, start: number): { end: number; element: Element } | null {
  const open = openTag.exec(src.slice(start));
  if (!open) return null;
  const [whole, tag, attributeText, selfClosing] = open as unknown as [string, string, string, string];
  const attributes: Record<string, string> = {};
  for (const a of attributeText.matchAll(/([^\s=]+)="([^"]*)"/g)) attributes[a[1]!] = a[2]!;
  const innerStart = start + whole.length;
  if (selfClosing) return { end: innerStart, element: { tag, attributes, inner: '' } };
  const tags = new RegExp(`<${tag}(?=[\\s/>])[^>]*?(/?)>|</${tag}>`, 'g');
  tags.lastIndex = innerStart;
  let depth = 1;
  for (let m = tags.exec(src); m; m = tags.exec(src)) {
    if (m[0].startsWith('</')) depth--;
    else if (!m[1]) depth++;
    if (depth === 0) return { end: m.index + m[0].length, element: { tag, attributes, inner: src.slice(innerStart, m.index) } };
  }
  return null;
}

/** The top-level pieces of some MJML, each verbatim: elements, comments, and any text between them. */
export function topLevelChunks(src: string): string[] {
  const chunks: string[] = [];
  let i = 0;
  while (i < src.length) {
    const next = src.slice(i).search(/\S/);
    if (next === -1) break;
    i += next;
    let end: number;
    if (src.startsWith('<!--', i)) {
      const close = src.indexOf('-->', i);
      end = close === -1 ? src.length : close + 3;
    } else if (src[i] === '<') {
      end = elementEnd(src, i)?.end ?? src.length;
    } else {
      const tag = src.indexOf('<', i);
      end = tag === -1 ? src.length : tag;
    }
    chunks.push(src.slice(i, end).trimEnd());
    i = end;
  }
  return chunks;
}

/** The child elements of an element's inner MJML, or null when there is anything else between them. */
function children(inner: string): Element[] | null {
  const out: Element[] = [];
  for (const chunk of topLevelChunks(inner)) {
    const e = elementEnd(chunk, 0);
    if (!e || e.end !== chunk.length) return null;
    out.push(e.element);
  }
  return out;
}

const isTexts = (items: Element[], attributes: Record<string, string> = {}) =>
  items.length > 0 && items.every((e) => e.tag === 'mj-text' && JSON.stringify(e.attributes) === JSON.stringify(attributes));
const textOf = (items: Element[]) => paragraphsToText(items.map((e) => e.inner.trim()));
const attribute = (e: Element, name: string) => unescapeHtml(e.attributes[name] ?? '');
const plainText = (html: string) => (html.includes('<') ? null : unescapeHtml(html));

/** What block a section could be, judged by its elements (the caller checks it against the source). */
function guessBlock(chunk: string): Block | null {
  const top = elementEnd(chunk, 0);
  if (!top || top.end !== chunk.length || top.element.tag !== 'mj-section') return null;
  const columns = children(top.element.inner);
  if (!columns || !columns.every((c) => c.tag === 'mj-column')) return null;
  const items = columns.map((c) => children(c.inner));
  if (items.some((i) => i === null)) return null;
  const [first, second] = items as Element[][];
  if (columns.length === 2) {
    const left = isTexts(first!) ? textOf(first!) : null;
    const right = isTexts(second!) ? textOf(second!) : null;
    return left !== null && right !== null ? { kind: 'columns', left, right } : null;
  }
  if (columns.length !== 1 || !first?.length) return null;
  const [a, b] = first as [Element, Element | undefined];
  const loop = /\{% for p in recommendations\.([a-z_]+) limit: (\d+) %\}/.exec(first[first.length - 1]!.inner);
  if (loop && first[first.length - 1]!.tag === 'mj-text') {
    const strategy = strategies.find((s) => s.id === loop[1])?.id;
    const title = first.length === 2 ? plainText(a.inner) : '';
    return strategy && title !== null && first.length <= 2 ? { kind: 'products', strategy, title, count: Number(loop[2]) } : null;
  }
  if (isTexts(first) || isTexts(first, { 'font-size': '24px', 'font-weight': 'bold' })) {
    const text = textOf(first);
    return text === null ? null : { kind: 'text', style: a.attributes['font-size'] ? 'heading' : 'paragraph', text };
  }
  if (first.length === 2 && a.tag === 'mj-divider' && b?.tag === 'mj-text') {
    const footer = /^(?:([\s\S]*?)<br \/>)?<a href="\{\{ unsubscribe_url \}\}" data-overture-notrack>([^<]*)<\/a>$/.exec(b.inner);
    const text = footer?.[1] ? paragraphToText(footer[1]) : '';
    return footer && text !== null ? { kind: 'footer', text, unsubscribeLabel: unescapeHtml(footer[2]!) } : null;
  }
  if (first.length !== 1) return null;
  switch (a.tag) {
    case 'mj-image':
      return { kind: 'image', src: attribute(a, 'src'), alt: attribute(a, 'alt'), href: attribute(a, 'href') };
    case 'mj-button': {
      const label = plainText(a.inner);
      return label === null ? null : { kind: 'button', label, href: attribute(a, 'href'), color: attribute(a, 'background-color') };
    }
    case 'mj-divider':
      return { kind: 'divider' };
    case 'mj-social': {
      const links = children(a.inner);
      if (!links) return null;
      const known = links.map((l) => socialNetworks.find((n) => n.id === l.attributes.name)?.id);
      if (known.some((n) => n === undefined)) return null;
      return { kind: 'social', links: links.map((l, n) => ({ network: known[n]!, href: attribute(l, 'href') })) };
    }
    default:
      return null;
  }
}

const sameMjml = (a: string, b: string) => a.replace(/\s+/g, ' ').trim() === b.replace(/\s+/g, ' ').trim();

/** One top-level piece of a body as a block: one of ours when it is exactly what we generate, else custom. */
export function parseBlock(chunk: string): Block {
  const guess = guessBlock(chunk);
  return guess && sameMjml(generateBlock(guess), chunk) ? guess : { kind: 'custom', source: chunk };
}

/** An MJML body as blocks, or null when it has no `<mj-body>` to hold them. */
export function parseEmail(body: string): EmailDocument | null {
  const open = /<mj-body\b[^>]*>/.exec(body);
  const close = body.lastIndexOf('</mj-body>');
  if (!open || open[0].endsWith('/>') || close < open.index + open[0].length) return null;
  const innerStart = open.index + open[0].length;
  const lineStart = body.lastIndexOf('\n', close - 1) + 1;
  const tailStart = lineStart > innerStart && body.slice(lineStart, close).trim() === '' ? lineStart : close;
  return {
    head: `${body.slice(0, innerStart)}\n`,
    blocks: topLevelChunks(body.slice(innerStart, tailStart)).map(parseBlock),
    tail: body.slice(tailStart),
  };
}
