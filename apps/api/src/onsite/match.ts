// Page matching of placement rules: prefixes, or globs when a pattern holds `*`.

const compiled = new Map<string, RegExp>();

function globRegExp(glob: string): RegExp {
  let re = compiled.get(glob);
  if (!re) {
    const body = glob
      .split(/(\*\*|\*)/)
      .map((part) => (part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
    re = new RegExp(`^${body}$`, 'i');
    if (compiled.size > 5_000) compiled.clear();
    compiled.set(glob, re);
  }
  return re;
}

/** A pattern starting with `/` is matched against the path (with its query), any other against host + path (+ query). */
export function urlMatches(pattern: string, url: URL): boolean {
  const path = url.pathname + url.search;
  const subject = pattern.startsWith('/') ? path : url.host + path;
  if (pattern.includes('*')) return globRegExp(pattern).test(subject) || (url.search !== '' && globRegExp(pattern).test(subject.slice(0, -url.search.length)));
  return subject.toLowerCase().startsWith(pattern.toLowerCase());
}

export function anyUrlMatches(patterns: string[], url: URL): boolean {
  return patterns.length === 0 || patterns.some((p) => urlMatches(p, url));
}
