// Defence in depth: the server already sanitised this HTML; the browser drops anything active
// again before it touches the page, in an inert <template> (nothing loads or runs while parsed).
const banned = 'script,iframe,frame,object,embed,link,meta,base,form,style,svg,math,template';
const urlAttr = /^(href|src|srcset|action|formaction|xlink:href|poster|background)$/i;

// Browsers ignore whitespace and control characters inside a URL's scheme ("java\tscript:").
const squeeze = (v: string) => [...v].filter((c) => c.charCodeAt(0) > 32).join('');

export function clean(html: string): DocumentFragment {
  const t = document.createElement('template');
  t.innerHTML = html;
  for (const el of t.content.querySelectorAll(banned)) el.remove();
  for (const el of t.content.querySelectorAll('*')) {
    for (const a of [...el.attributes]) {
      if (/^on/i.test(a.name) || (urlAttr.test(a.name) && /^(javascript|data|vbscript):/i.test(squeeze(a.value)))) el.removeAttribute(a.name);
    }
  }
  return t.content;
}
