/**
 * The install snippet sites paste into their pages. It defines `window.overture` as a queue whose
 * methods record calls until /sdk.js arrives; the SDK then replays them in order (the loader contract).
 */
export const sdkMethods = ['init', 'track', 'page', 'identify', 'alias', 'group', 'reset', 'consent', 'flush', 'on'] as const;

export interface SnippetInput {
  writeKey: string;
  host: string;
  /** Extra `init` options (e.g. `{ requireConsent: true }`), written into the snippet as JSON. */
  options?: Record<string, unknown>;
  /** Load this script URL instead of `<host>/sdk.js` (e.g. the long-cached versioned path). */
  src?: string;
}

// `<` is escaped so a value can never close the surrounding <script> element.
const js = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

export function installSnippet({ writeKey, host, options = {}, src }: SnippetInput): string {
  const base = host.replace(/\/$/, '');
  return `<script>
!function(w,d){var o=w.overture=w.overture||[];if(o.initialized||o.snippet)return;o.snippet=1;
o.methods=${js(sdkMethods)};
o.factory=function(m){return function(){var a=[].slice.call(arguments);a.unshift(m);o.push(a);return o}};
for(var i=0;i<o.methods.length;i++)o[o.methods[i]]=o.factory(o.methods[i]);
var s=d.createElement("script");s.async=!0;s.src=${js(src ?? base + '/sdk.js')};d.head.appendChild(s)}(window,document);
overture.init(${js(writeKey)},${js({ host: base, ...options })});
overture.page();
</script>`;
}

export function npmInstructions({ writeKey, host, options = {} }: Omit<SnippetInput, 'src'>): string {
  return `import { overture } from '@overture/sdk';

overture.init(${JSON.stringify(writeKey)}, ${JSON.stringify({ host: host.replace(/\/$/, ''), ...options })});
overture.page();`;
}
