import { useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatBucket, toChartRows, type CountRow, type RangeOption } from '../../lib/chart';
import { typeColor } from '../../lib/events';
import { formatDateTime, useTimeZone } from '../../lib/format';

/** `updatedAt` is when the counts were fetched: the axis ends there, so it slides with each live refresh. */
export function CountsChart({ counts, range, updatedAt }: { counts: CountRow[] | undefined; range: RangeOption; updatedAt: number }) {
  const timeZone = useTimeZone();
  const { rows, types } = useMemo(() => toChartRows(counts ?? [], range, updatedAt), [counts, range, updatedAt]);
  if (!counts) return <div className="chart-placeholder muted">Loading…</div>;
  if (types.length === 0) return <div className="chart-placeholder muted">No events in the last {range.label}.</div>;
  return (
    <div className="chart" data-testid="counts-chart">
      <ResponsiveContainer width="100%" height={260}>
        <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid vertical={false} stroke="#e5e7eb" />
          <XAxis dataKey="t" tickFormatter={(t: number) => formatBucket(t, range, timeZone)} minTickGap={24} tick={{ fontSize: 12 }} />
          <YAxis allowDecimals={false} width={48} tick={{ fontSize: 12 }} />
          <Tooltip labelFormatter={(t) => formatDateTime(new Date(Number(t)).toISOString(), timeZone)} cursor={{ fill: 'rgba(79, 70, 229, 0.06)' }} />
          <Legend itemSorter={(item) => types.indexOf(String(item.dataKey))} />
          {types.map((t) => (
            <Bar key={t} dataKey={t} name={t} stackId="types" fill={typeColor(t)} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
