// Styles of the overlays, inside each placement's shadow root: the site's CSS cannot reach in,
// and these cannot leak out.
export const css =
  ':host{all:initial}' +
  '.b{position:fixed;z-index:2147483000;box-sizing:border-box;font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#111;background:#fff;box-shadow:0 6px 28px rgba(0,0,0,.22);padding:16px 40px 16px 18px}' +
  '.top_bar{top:0;left:0;right:0;text-align:center;padding:10px 40px}' +
  '.slide_in{right:16px;bottom:16px;width:360px;max-width:calc(100vw - 32px);border-radius:10px;animation:s .3s ease-out}' +
  '.modal{top:50%;left:50%;transform:translate(-50%,-50%);width:520px;max-width:calc(100vw - 32px);max-height:90vh;overflow:auto;border-radius:12px}' +
  '.bg{position:fixed;inset:0;background:rgba(0,0,0,.45);z-index:2147482999}' +
  '.x{position:absolute;top:6px;right:8px;border:0;background:none;font:22px/1 sans-serif;cursor:pointer;color:inherit;padding:4px}' +
  'img{max-width:100%;height:auto}a{color:inherit}' +
  '@keyframes s{from{transform:translateY(20px);opacity:0}}';
