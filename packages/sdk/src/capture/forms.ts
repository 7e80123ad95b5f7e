import type { Core, Props } from '../types';
import { isPrivate, listen, selector, target } from './dom';

type Field = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
const isField = (el: Element | null): el is Field => !!el && /^(input|select|textarea)$/.test(el.localName) && !/^(submit|button|hidden|reset|image)$/.test((el as HTMLInputElement).type);
const nameOf = (el: Element) => el.getAttribute('name') || el.id || selector(el);
const isFilled = (f: Field) => (/^(checkbox|radio)$/.test(f.type) ? (f as HTMLInputElement).checked : !!f.value);
const filledIn = (form: HTMLFormElement | null) => (form ? Array.from(form.elements).filter((el) => isField(el) && isFilled(el)).length : 0);

/**
 * Form interactions by field name and fill state. Values are never captured, except for fields the
 * site marks `data-overture-allow` (and never for passwords or private elements).
 */
export function forms(c: Core) {
  // Fields touched per form (null: fields outside any form) in this page view.
  let touched = new Map<HTMLFormElement | null, Set<string>>();
  const send = (action: string, form: HTMLFormElement | null, p: Props) => c.track('$form_interaction', { action, form: form ? nameOf(form) : '', ...p });
  const field = (e: Event) => {
    const el = target(e);
    return isField(el) && !isPrivate(el) ? el : null;
  };

  // Marks the field touched; true the first time in this page view.
  const touch = (el: Field) => {
    const seen = touched.get(el.form) ?? new Set();
    touched.set(el.form, seen);
    return seen.size < seen.add(nameOf(el)).size;
  };
  listen(document, 'focusin', (e) => {
    const el = field(e);
    if (el && touch(el)) send('focus', el.form, { field: nameOf(el), field_type: el.type });
  });
  listen(document, 'change', (e) => {
    const el = field(e);
    if (!el) return;
    touch(el);
    send('change', el.form, { field: nameOf(el), field_type: el.type, filled: isFilled(el), value: el.closest('[data-overture-allow]') ? el.value : undefined });
  });
  listen(document, 'submit', (e) => {
    const form = target(e) as HTMLFormElement;
    send('submit', form, { fields: touched.get(form)?.size ?? 0, filled: filledIn(form) });
    touched.delete(form);
  });
  c.pageEnd.push(() => {
    touched.forEach((seen, form) => send('abandon', form, { fields: [...seen], filled: filledIn(form) }));
    touched = new Map();
  });
}
