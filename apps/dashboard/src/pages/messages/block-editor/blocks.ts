// The blocks of the visual email editor: an email is an ordered list of them, each one section of MJML.

export const strategies = [
  { id: 'for_you', label: 'For you' },
  { id: 'best_sellers', label: 'Best sellers' },
  { id: 'trending', label: 'Trending' },
  { id: 'new_arrivals', label: 'New arrivals' },
  { id: 'recently_viewed', label: 'Recently viewed' },
  { id: 'buy_again', label: 'Buy again' },
  { id: 'bought_together', label: 'Bought together (the trigger event’s product)' },
  { id: 'similar', label: 'Similar (the trigger event’s product)' },
] as const;
export type StrategyId = (typeof strategies)[number]['id'];

/** The networks a social block offers, in the order they appear in the email. */
export const socialNetworks = [
  { id: 'facebook', label: 'Facebook' },
  { id: 'instagram', label: 'Instagram' },
  { id: 'x', label: 'X' },
  { id: 'linkedin', label: 'LinkedIn' },
  { id: 'youtube', label: 'YouTube' },
  { id: 'pinterest', label: 'Pinterest' },
] as const;
export type SocialNetwork = (typeof socialNetworks)[number]['id'];

/** Text fields use a small markup: a blank line starts a paragraph, `**bold**`, `[label](https://…)`; Liquid passes through. */
export type Block =
  | { kind: 'text'; style: 'heading' | 'paragraph'; text: string }
  | { kind: 'image'; src: string; alt: string; href: string }
  | { kind: 'button'; label: string; href: string; color: string }
  | { kind: 'columns'; left: string; right: string }
  | { kind: 'products'; strategy: StrategyId; title: string; count: number }
  | { kind: 'divider' }
  | { kind: 'social'; links: Array<{ network: SocialNetwork; href: string }> }
  | { kind: 'footer'; text: string; unsubscribeLabel: string }
  /** A section this editor does not generate, kept as its MJML source. */
  | { kind: 'custom'; source: string };
export type BlockKind = Block['kind'];

export const blockLabels: Record<BlockKind, string> = {
  text: 'Text',
  image: 'Image',
  button: 'Button',
  columns: 'Two columns',
  products: 'Recommended products',
  divider: 'Divider',
  social: 'Social links',
  footer: 'Footer with unsubscribe',
  custom: 'Custom MJML',
};

/** The kinds offered to add, in palette order (custom MJML is what the source view is for). */
export const paletteKinds: Exclude<BlockKind, 'custom'>[] = ['text', 'image', 'button', 'columns', 'products', 'divider', 'social', 'footer'];

export const maxProducts = 4;

/** A new block of a kind, filled with something that shows what it is. */
export function newBlock(kind: BlockKind): Block {
  switch (kind) {
    case 'text':
      return { kind, style: 'paragraph', text: 'Write your message here.' };
    case 'image':
      return { kind, src: 'https://placehold.co/600x240', alt: '', href: 'https://' };
    case 'button':
      return { kind, label: 'Shop now', href: 'https://', color: '#4f46e5' };
    case 'columns':
      return { kind, left: 'Left column', right: 'Right column' };
    case 'products':
      return { kind, strategy: 'for_you', title: 'Picked for you', count: 3 };
    case 'divider':
      return { kind };
    case 'social':
      return {
        kind,
        links: [
          { network: 'facebook', href: 'https://facebook.com/' },
          { network: 'instagram', href: 'https://instagram.com/' },
        ],
      };
    case 'footer':
      return { kind, text: 'You get this because you signed up at our store.', unsubscribeLabel: 'Unsubscribe' };
    case 'custom':
      return { kind, source: '<mj-section>\n      <mj-column>\n        <mj-text>Custom MJML</mj-text>\n      </mj-column>\n    </mj-section>' };
  }
}

/** One line saying what a block holds, for the block list. */
export function blockSummary(block: Block): string {
  switch (block.kind) {
    case 'text':
      return block.text.split('\n')[0] ?? '';
    case 'image':
      return block.alt || block.src;
    case 'button':
      return block.label;
    case 'columns':
      return `${block.left.split('\n')[0]} | ${block.right.split('\n')[0]}`;
    case 'products':
      return `${block.title || 'Products'} · ${strategies.find((s) => s.id === block.strategy)?.label ?? block.strategy}, ${block.count}`;
    case 'divider':
      return '';
    case 'social':
      return block.links.map((l) => socialNetworks.find((n) => n.id === l.network)?.label ?? l.network).join(', ');
    case 'footer':
      return block.unsubscribeLabel;
    case 'custom':
      return block.source.replace(/\s+/g, ' ').slice(0, 80);
  }
}
