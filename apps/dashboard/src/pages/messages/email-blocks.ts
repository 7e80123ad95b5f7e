// Email building blocks and starter templates, as MJML with Liquid: a marketer composes an email by
// inserting blocks and editing their text, and the source stays plain MJML anyone can refine.

const footer = `    <mj-section>
      <mj-column>
        <mj-divider border-width="1px" border-color="#e5e7eb" />
        <mj-text font-size="12px" color="#6b7280" align="center">You get this because you signed up at our store.<br /><a href="{{ unsubscribe_url }}" data-overture-notrack>Unsubscribe</a></mj-text>
      </mj-column>
    </mj-section>
`;

// The loop lives inside <mj-text>: MJML drops anything placed between its components.
const products = (list: string, title: string) => `    <mj-section>
      <mj-column>
        <mj-text font-size="18px" font-weight="bold">${title}</mj-text>
        <mj-text>
          <table width="100%" role="presentation"><tr>
          {% for p in ${list} limit: 3 %}<td width="33%" align="center" valign="top" style="padding:4px">{% if p.image_url %}<a href="{{ p.url }}"><img src="{{ p.image_url }}" alt="{{ p.name }}" width="160" style="max-width:100%;height:auto;border:0" /></a><br />{% endif %}<a href="{{ p.url }}">{{ p.name }}</a>{% if p.price %}<br /><strong>{{ p.price }}</strong>{% endif %}</td>{% endfor %}
          </tr></table>
        </mj-text>
      </mj-column>
    </mj-section>
`;

export interface EmailBlock {
  id: string;
  label: string;
  mjml: string;
}

/** Blocks inserted before `</mj-body>` (or at the cursor when it sits between sections). */
export const emailBlocks: EmailBlock[] = [
  { id: 'text', label: 'Text', mjml: `    <mj-section>\n      <mj-column>\n        <mj-text>Write your message here.</mj-text>\n      </mj-column>\n    </mj-section>\n` },
  { id: 'image', label: 'Image', mjml: `    <mj-section>\n      <mj-column>\n        <mj-image src="https://placehold.co/600x240" alt="" href="https://" />\n      </mj-column>\n    </mj-section>\n` },
  { id: 'button', label: 'Button', mjml: `    <mj-section>\n      <mj-column>\n        <mj-button href="https://">Shop now</mj-button>\n      </mj-column>\n    </mj-section>\n` },
  {
    id: 'columns',
    label: 'Two columns',
    mjml: `    <mj-section>\n      <mj-column>\n        <mj-text>Left column</mj-text>\n      </mj-column>\n      <mj-column>\n        <mj-text>Right column</mj-text>\n      </mj-column>\n    </mj-section>\n`,
  },
  { id: 'divider', label: 'Divider', mjml: `    <mj-section>\n      <mj-column>\n        <mj-divider border-width="1px" border-color="#e5e7eb" />\n      </mj-column>\n    </mj-section>\n` },
  { id: 'products', label: 'Recommended products', mjml: products('recommendations.for_you', 'Picked for you') },
  {
    id: 'social',
    label: 'Social links',
    mjml: `    <mj-section>\n      <mj-column>\n        <mj-social font-size="14px" icon-size="20px" mode="horizontal">\n          <mj-social-element name="instagram" href="https://instagram.com/">Instagram</mj-social-element>\n          <mj-social-element name="facebook" href="https://facebook.com/">Facebook</mj-social-element>\n        </mj-social>\n      </mj-column>\n    </mj-section>\n`,
  },
  { id: 'footer', label: 'Footer with unsubscribe', mjml: footer },
];

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

const page = (sections: string) => `<mjml>
  <mj-head>
    <mj-attributes>
      <mj-all font-family="Helvetica, Arial, sans-serif" />
      <mj-button background-color="#4f46e5" border-radius="6px" />
    </mj-attributes>
  </mj-head>
  <mj-body background-color="#f9fafb">
${sections}${footer}  </mj-body>
</mjml>
`;

const hero = (title: string, text: string, cta: string, href = 'https://') => `    <mj-section background-color="#ffffff">
      <mj-column>
        <mj-text font-size="24px" font-weight="bold">${title}</mj-text>
        <mj-text>${text}</mj-text>
        <mj-button href="${href}">${cta}</mj-button>
      </mj-column>
    </mj-section>
`;

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
    body: page(hero('Welcome {{ profile.traits.first_name | default: "" }}', 'Thanks for joining us. Here is what others love right now.', 'Start shopping') + products('recommendations.best_sellers', 'Our best sellers')),
  },
  {
    id: 'cart',
    name: 'Abandoned cart',
    subject: 'You left something behind',
    body: page(
      hero('Still thinking it over?', 'Your cart is saved{% if event.properties.value %} ({{ event.properties.value }}){% endif %}. Complete your order before it sells out.', 'Return to cart', "{{ event.properties.cart_url | default: 'https://' }}") +
        products('recommendations.bought_together', 'Often bought together'),
    ),
  },
  {
    id: 'newsletter',
    name: 'Newsletter',
    subject: 'What is new this week',
    body: page(hero('This week', 'News, stories and new arrivals.', 'Read more') + products('recommendations.new_arrivals', 'New arrivals') + products('recommendations.for_you', 'Picked for you')),
  },
  {
    id: 'winback',
    name: 'Win-back',
    subject: 'We miss you, {{ profile.traits.first_name | default: "friend" }}',
    body: page(hero('It has been a while', 'Here is 10% off your next order with the code COMEBACK10.', 'Use my code') + products('recommendations.for_you', 'You might like')),
  },
  {
    id: 'order',
    name: 'Order update',
    subject: 'Your order {{ event.properties.order_id }}',
    body: page(hero('About your order {{ event.properties.order_id }}', 'Thank you for your order. We will let you know as soon as it ships.', 'Track my order', "{{ event.properties.tracking_url | default: 'https://' }}")),
  },
];
