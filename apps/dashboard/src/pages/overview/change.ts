/** How a figure moved against the period before, as people read it: "+12 %", "−3 %", "new", or nothing. */
export function change(current: number, previous: number): { text: string; direction: 'up' | 'down' | 'flat' } | null {
  if (current === 0 && previous === 0) return null;
  if (previous === 0) return { text: 'new', direction: 'up' };
  const pct = ((current - previous) / previous) * 100;
  const rounded = Math.abs(pct) < 10 ? Math.round(pct * 10) / 10 : Math.round(pct);
  if (rounded === 0) return { text: '±0 %', direction: 'flat' };
  return { text: `${rounded > 0 ? '+' : '−'}${Math.abs(rounded)} %`, direction: rounded > 0 ? 'up' : 'down' };
}
