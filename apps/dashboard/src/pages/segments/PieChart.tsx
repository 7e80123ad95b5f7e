import { useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatMoney, pieChartRows } from './pie';

// Segment names are long: tilted, every one stays readable instead of running into its neighbours.
import type { PieRow } from './types';

/** Potential (CLTV at stake) beside Importance and Ease percentages, one group of bars per segment. */
export function PieChart({ rows }: { rows: PieRow[] }) {
  const data = useMemo(() => pieChartRows(rows), [rows]);
  return (
    <div className="pie-charts" data-testid="pie-chart">
      <div>
        <h3>Potential: CLTV at stake</h3>
        <ResponsiveContainer width="100%" height={280}>
          <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
            <CartesianGrid vertical={false} stroke="#e5e7eb" />
            <XAxis dataKey="name" tick={{ fontSize: 12 }} interval={0} angle={-30} textAnchor="end" height={80} />
            <YAxis width={64} tick={{ fontSize: 12 }} tickFormatter={(v: number) => formatMoney(v).replace(/\.00$/, '')} />
            <Tooltip formatter={(v) => formatMoney(Number(v))} />
            <Bar dataKey="potential" name="Potential" fill="#4f46e5" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <div>
        <h3>Importance and Ease (%)</h3>
        <ResponsiveContainer width="100%" height={280}>
          <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 40 }}>
            <CartesianGrid vertical={false} stroke="#e5e7eb" />
            <XAxis dataKey="name" tick={{ fontSize: 12 }} interval={0} angle={-30} textAnchor="end" height={80} />
            <YAxis width={40} domain={[0, 100]} tick={{ fontSize: 12 }} />
            <Tooltip formatter={(v) => `${Number(v)}%`} />
            <Legend />
            <Bar dataKey="profiles" name="% of profiles" fill="#a5b4fc" isAnimationActive={false} />
            <Bar dataKey="revenue" name="% of revenue" fill="#6366f1" isAnimationActive={false} />
            <Bar dataKey="email" name="Email" fill="#059669" isAnimationActive={false} />
            <Bar dataKey="webPush" name="Web push" fill="#f59e0b" isAnimationActive={false} />
            <Bar dataKey="onsite" name="Onsite" fill="#0ea5e9" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </div>
  );
}
