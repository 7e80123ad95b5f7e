import { rfmSegmentList, type RfmSegmentName } from '../segments/catalog';
import { rfmSegmentOf } from '../rfm/grid';

/** The profiles list's RFM filter: a named RFM segment, or one R/F cell of the grid. */
export type RfmFilter = { rfmSegment: RfmSegmentName } | { rfm: { r: number; f: number } } | null;

const score = (v: string | null) => {
  const n = Number(v);
  return Number.isInteger(n) && n >= 1 && n <= 5 ? n : null;
};

/** From the URL: `rfm=Champions`, or `r=5&f=1`; anything else is no filter. */
export function rfmFilterOf(search: URLSearchParams): RfmFilter {
  const name = search.get('rfm');
  if (name && (rfmSegmentList as string[]).includes(name)) return { rfmSegment: name as RfmSegmentName };
  const r = score(search.get('r'));
  const f = score(search.get('f'));
  return r && f ? { rfm: { r, f } } : null;
}

/** The select's value of a filter, and the URL params a picked value sets. */
export const rfmOptionValue = (filter: RfmFilter) => (!filter ? '' : 'rfmSegment' in filter ? `name:${filter.rfmSegment}` : `cell:${filter.rfm.r}:${filter.rfm.f}`);

export function rfmParams(value: string): Record<string, string | undefined> {
  const [kind, a, b] = value.split(':');
  if (kind === 'name') return { rfm: a, r: undefined, f: undefined };
  if (kind === 'cell') return { rfm: undefined, r: a, f: b };
  return { rfm: undefined, r: undefined, f: undefined };
}

/** Every cell, R = 5 first, labelled with its segment name. */
export const rfmCells = [5, 4, 3, 2, 1].flatMap((r) => [1, 2, 3, 4, 5].map((f) => ({ value: `cell:${r}:${f}`, label: `R${r} F${f} · ${rfmSegmentOf(r, f)}` })));

/** A name for the segment "Save as segment" creates, from what the list shows. */
export function suggestedSegmentName(filter: RfmFilter, segmentName: string | undefined): string {
  const rfm = !filter ? '' : 'rfmSegment' in filter ? filter.rfmSegment : `RFM R${filter.rfm.r} F${filter.rfm.f}`;
  return [segmentName, rfm].filter(Boolean).join(' · ') || 'Saved list';
}
