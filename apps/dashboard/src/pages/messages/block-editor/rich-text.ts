// Text of a block ⇄ the HTML inside an <mj-text>. The marketer writes plain text with a little markup
// (a blank line starts a paragraph, a line break stays one, `**bold**`, `[label](url)`); everything else is
// escaped as HTML entities, except Liquid (`{{ … }}`, `{% … %}`), which the renderer must see as written.

const liquid = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g;

const htmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => htmlEscapes[c]!);

/** Applies `plain` to the text between Liquid tags and `tag` to each tag. */
function aroundLiquid(s: string, plain: (t: string) => string, tag: (t: string) => string = (t) => t): string {
  let out = '';
  let last = 0;
  for (const m of s.matchAll(liquid)) {
    out += plain(s.slice(last, m.index)) + tag(m[0]);
    last = m.index + m[0].length;
  }
  return out + plain(s.slice(last));
}

/** Text content: HTML-escaped, Liquid as is. */
export const escapeText = (s: string) => aroundLiquid(s, escapeHtml);

/**
 * An attribute value between double quotes: HTML-escaped; inside Liquid a double quote would end the
 * attribute, so its strings use single quotes (the same string to Liquid).
 */
export const escapeAttribute = (s: string) => aroundLiquid(s, escapeHtml, (t) => t.replace(/"/g, "'"));

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'" };
export const unescapeHtml = (s: string) => aroundLiquid(s, (t) => t.replace(/&(amp|lt|gt|quot|apos|#39);/g, (_, e: string) => entities[e]!));

// Liquid first so markup characters inside a tag are never read as markup.
const inline = /(\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\})|\[([^\]\n]+)\]\(((?:\{\{[\s\S]*?\}\}|[^)\s])+)\)|\*\*(.+?)\*\*/g;

function inlineHtml(s: string): string {
  let out = '';
  let last = 0;
  for (const m of s.matchAll(inline)) {
    out += escapeText(s.slice(last, m.index));
    if (m[1] !== undefined) out += m[1];
    else if (m[2] !== undefined) out += `<a href="${escapeAttribute(m[3]!)}">${inlineHtml(m[2])}</a>`;
    else out += `<strong>${inlineHtml(m[4]!)}</strong>`;
    last = m.index + m[0].length;
  }
  return out + escapeText(s.slice(last));
}

/** The paragraphs of a text, each as the HTML of one <mj-text>. */
export function textToParagraphs(text: string): string[] {
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n+/)
    .map((p) => p.replace(/^\n+|\n+$/g, ''))
    .filter((p) => p.trim() !== '');
  return (paragraphs.length ? paragraphs : ['']).map((p) => p.split('\n').map(inlineHtml).join('<br />'));
}

const htmlInline = /(\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\})|<a href="([^"]*)">([\s\S]*?)<\/a>|<strong>([\s\S]*?)<\/strong>|<br \/>|</g;

/** The markup of one paragraph's HTML, or null when it holds HTML this editor does not write. */
export function paragraphToText(html: string): string | null {
  let out = '';
  let last = 0;
  for (const m of html.matchAll(htmlInline)) {
    out += unescapeHtml(html.slice(last, m.index));
    if (m[1] !== undefined) out += m[1];
    else if (m[2] !== undefined) {
      const label = paragraphToText(m[3]!);
      if (label === null) return null;
      out += `[${label}](${unescapeHtml(m[2])})`;
    } else if (m[4] !== undefined) {
      const bold = paragraphToText(m[4]);
      if (bold === null) return null;
      out += `**${bold}**`;
    } else if (m[0] === '<br />') out += '\n';
    else return null;
    last = m.index + m[0].length;
  }
  return out + unescapeHtml(html.slice(last));
}

/** Paragraphs back into one text, or null when one is not ours. */
export function paragraphsToText(paragraphs: string[]): string | null {
  const texts = paragraphs.map(paragraphToText);
  return texts.some((t) => t === null) ? null : texts.join('\n\n');
}
