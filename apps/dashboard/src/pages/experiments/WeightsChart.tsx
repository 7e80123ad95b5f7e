import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDateTime } from '../../lib/format';
import { weightRows, type WeightsPoint } from './weights';

const palette = ['#4f46e5', '#059669', '#d97706', '#dc2626', '#0891b2'];

/** A bandit's variant shares over time, one line per variant, in percent. */
export function WeightsChart({ points, variants }: { points: WeightsPoint[]; variants: string[] }) {
  const rows = weightRows(points, variants);
  return (
    <div className="chart" data-testid="weights-chart">
      <ResponsiveContainer width="100%" height={220}>
        <LineChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid vertical={false} stroke="#e5e7eb" />
          <XAxis dataKey="t" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={(t: number) => new Date(t).toLocaleDateString()} minTickGap={24} tick={{ fontSize: 12 }} />
          <YAxis domain={[0, 100]} unit="%" width={48} tick={{ fontSize: 12 }} />
          <Tooltip labelFormatter={(t) => formatDateTime(new Date(Number(t)).toISOString())} formatter={(v) => `${Number(v).toFixed(1)} %`} />
          <Legend />
          {variants.map((v, i) => (
            <Line key={v} dataKey={v} name={v} stroke={palette[i % palette.length]} dot={rows.length < 30} isAnimationActive={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
