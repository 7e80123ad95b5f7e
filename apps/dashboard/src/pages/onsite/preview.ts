// The preview document: a mock page with the placement as the SDK lays it out. It is shown in an
// iframe sandboxed without scripts, so even content the server failed to clean could not run here.
export interface PreviewData {
  kind: string;
  html: string;
  text: string | null;
  href: string | null;
  target: string;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const css = `body{margin:0;font:15px/1.45 system-ui,sans-serif;color:#333;background:#f4f5f7}
.page{padding:56px 24px;max-width:640px;margin:auto}.page h1{font-size:20px}.ghost{height:12px;background:#dfe2e6;border-radius:6px;margin:10px 0}
.b{position:fixed;box-sizing:border-box;color:#111;background:#fff;box-shadow:0 6px 28px rgba(0,0,0,.22);padding:16px 40px 16px 18px;z-index:2}
.top_bar{top:0;left:0;right:0;text-align:center;padding:10px 40px}.slide_in{right:16px;bottom:16px;width:300px;border-radius:10px}
.modal{top:50%;left:50%;transform:translate(-50%,-50%);width:420px;max-width:90%;border-radius:12px}.bg{position:fixed;inset:0;background:rgba(0,0,0,.45);z-index:1}
.x{position:absolute;top:6px;right:10px;font-size:20px}.slot{border:2px dashed #7a8ca5;border-radius:8px;padding:12px;background:#fff}
.cta{display:inline-block;background:#1f6feb;color:#fff;padding:8px 16px;border-radius:6px;text-decoration:none}img{max-width:100%}`;

export function previewDocument(p: PreviewData): string {
  let body = '<div class="page"><h1>Your page</h1><div class="ghost"></div><div class="ghost"></div>';
  if (p.kind === 'inline') body += `<p class="muted">[data-overture-slot="${escapeHtml(p.target)}"]</p><div class="slot">${p.html}</div>`;
  else if (p.kind === 'cta') body += `<p>${escapeHtml(p.target)} becomes:</p><a class="cta" href="${escapeHtml(p.href ?? '#')}">${escapeHtml(p.text ?? '(text unchanged)')}</a><p><small>${escapeHtml(p.href ?? '(link unchanged)')}</small></p>`;
  body += '<div class="ghost"></div><div class="ghost"></div></div>';
  if (p.kind === 'modal') body += '<div class="bg"></div>';
  if (p.kind === 'top_bar' || p.kind === 'modal' || p.kind === 'slide_in') body += `<div class="b ${p.kind}"><span class="x">\u00d7</span>${p.html}</div>`;
  return `<!doctype html><html><head><meta charset="utf-8"><style>${css}</style></head><body>${body}</body></html>`;
}
