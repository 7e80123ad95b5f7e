// Email building blocks and starter templates, as MJML with Liquid: a marketer composes an email by
// inserting blocks and editing their text, and the source stays plain MJML anyone can refine. Both are
// written by the block editor's generator, so a starter opens in the visual editor as its blocks.
import { blockLabels, newBlock, paletteKinds, type Block, type StrategyId } from './block-editor/blocks';
import { emailOf, generateBlock } from './block-editor/mjml';

export interface EmailBlock {
  id: string;
  label: string;
  mjml: string;
}

/** Blocks inserted before `</mj-body>` (or at the cursor when it sits between sections): the block editor's own shapes. */
export const emailBlocks: EmailBlock[] = paletteKinds.map((kind) => ({ id: kind, label: blockLabels[kind], mjml: generateBlock(newBlock(kind)) }));

/** Puts a block above the footer (or before `</mj-body>`), unless the cursor sits on a line between sections (then there). */
export function insertBlock(body: string, block: string, cursor: number | null): string {
  if (cursor !== null) {
    const lineStart = body.lastIndexOf('\n', cursor - 1) + 1;
    const before = body.slice(0, lineStart);
    const open = (before.match(/<mj-section\b/g) ?? []).length;
    const closed = (before.match(/<\/mj-section>/g) ?? []).length;
    const inBody = /<mj-body\b/.test(before) && !/<\/mj-body>/.test(before);
    if (inBody && open === closed) return before + block + body.slice(lineStart);
  }
  // Above the footer (the section holding the unsubscribe link) when there is one, else at the end.
  const unsubscribe = body.lastIndexOf('{{ unsubscribe_url }}');
  const footer = unsubscribe === -1 ? -1 : body.lastIndexOf('<mj-section', unsubscribe);
  const end = footer !== -1 && body.indexOf('</mj-section>', footer) > unsubscribe ? footer : body.lastIndexOf('</mj-body>');
  if (end === -1) return body + block;
  const lineStart = body.lastIndexOf('\n', end - 1) + 1;
  return body.slice(0, lineStart) + block + body.slice(lineStart);
}

const footer = newBlock('footer');
const heading = (text: string): Block => ({ kind: 'text', style: 'heading', text });
const paragraph = (text: string): Block => ({ kind: 'text', style: 'paragraph', text });
const button = (label: string, href = 'https://'): Block => ({ kind: 'button', label, href, color: '#4f46e5' });
const products = (strategy: StrategyId, title: string): Block => ({ kind: 'products', strategy, title, count: 3 });
const page = (...blocks: Block[]) => emailOf([...blocks, footer]);

export interface StarterTemplate {
  id: string;
  name: string;
  subject: string;
  body: string;
}

/** A small gallery to start from: each is a complete, valid email. */
export const starterTemplates: StarterTemplate[] = [
  {
    id: 'welcome',
    name: 'Welcome',
    subject: 'Welcome, {{ profile.traits.first_name | default: "friend" }}!',
    body: page(heading('Welcome {{ profile.traits.first_name | default: "" }}'), paragraph('Thanks for joining us. Here is what others love right now.'), button('Start shopping'), products('best_sellers', 'Our best sellers')),
  },
  {
    id: 'cart',
    name: 'Abandoned cart',
    subject: 'You left something behind',
    body: page(
      heading('Still thinking it over?'),
      paragraph('Your cart is saved{% if event.properties.value %} ({{ event.properties.value }}){% endif %}. Complete your order before it sells out.'),
      button('Return to cart', "{{ event.properties.cart_url | default: 'https://' }}"),
      products('bought_together', 'Often bought together'),
    ),
  },
  {
    id: 'newsletter',
    name: 'Newsletter',
    subject: 'What is new this week',
    body: page(heading('This week'), paragraph('News, stories and new arrivals.'), button('Read more'), products('new_arrivals', 'New arrivals'), products('for_you', 'Picked for you')),
  },
  {
    id: 'winback',
    name: 'Win-back',
    subject: 'We miss you, {{ profile.traits.first_name | default: "friend" }}',
    body: page(heading('It has been a while'), paragraph('Here is 10% off your next order with the code **COMEBACK10**.'), button('Use my code'), products('for_you', 'You might like')),
  },
  {
    id: 'order',
    name: 'Order update',
    subject: 'Your order {{ event.properties.order_id }}',
    body: page(
      heading('About your order {{ event.properties.order_id }}'),
      paragraph('Thank you for your order. We will let you know as soon as it ships.'),
      button('Track my order', "{{ event.properties.tracking_url | default: 'https://' }}"),
    ),
  },
];
