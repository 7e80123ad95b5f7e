import { compile } from 'html-to-text';

/**
 * The text/plain part sent beside an email's HTML: read by text-only clients and screen readers, and
 * spam filters score a message without one worse. Links keep their (tracked) address in brackets;
 * images, the open pixel among them, are left out.
 */
export const plainText: (html: string) => string = compile({
  wordwrap: 78,
  selectors: [
    { selector: 'img', format: 'skip' },
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'table', format: 'block' },
    { selector: 'tr', format: 'block' },
    { selector: 'td', format: 'block' },
  ],
});
