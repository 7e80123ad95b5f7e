/** Campaigns grouped by the local day they go out, upcoming days first in time order, then the past, newest first. */
export function byDay<T extends { at: string }>(items: T[], now: number): { upcoming: Array<[string, T[]]>; past: Array<[string, T[]]> } {
  const dayOf = (iso: string) => {
    const d = new Date(iso);
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  };
  const group = (list: T[]) => {
    const days = new Map<string, T[]>();
    for (const c of list) days.set(dayOf(c.at), [...(days.get(dayOf(c.at)) ?? []), c]);
    return [...days.entries()];
  };
  const upcoming = items.filter((c) => Date.parse(c.at) > now).sort((a, b) => a.at.localeCompare(b.at));
  const past = items.filter((c) => !(Date.parse(c.at) > now)).sort((a, b) => b.at.localeCompare(a.at));
  return { upcoming: group(upcoming), past: group(past) };
}
