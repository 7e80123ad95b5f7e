import type { ReactNode } from 'react';

/** A headline figure in a card: a label above its value. */
export function Stat({ label, value }: { label: string; value: ReactNode }) {
  return (
    <div className="stat card">
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
    </div>
  );
}
