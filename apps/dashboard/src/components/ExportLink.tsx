/** Who an exported list is about; the export route reads the same filters as the profiles list. */
export interface ExportAudience {
  segmentId?: string | undefined;
  rfm?: { r: number; f: number } | undefined;
  rfmSegment?: string | undefined;
  experiment?: { id: string; variant: string } | undefined;
}

/** Where an audience's CSV is downloaded from: the API streams it, so it works for a million people. */
export function audienceCsvUrl(workspaceId: string, audience: ExportAudience): string {
  const q = new URLSearchParams({ workspaceId });
  if (audience.segmentId) q.set('segment', audience.segmentId);
  if (audience.rfm) {
    q.set('r', String(audience.rfm.r));
    q.set('f', String(audience.rfm.f));
  }
  if (audience.rfmSegment) q.set('rfmSegment', audience.rfmSegment);
  if (audience.experiment) {
    q.set('experiment', audience.experiment.id);
    q.set('variant', audience.experiment.variant);
  }
  return `/export/audience.csv?${q.toString()}`;
}

/** A download link for everyone in an audience (all profiles, a segment, an RFM cell or name, an experiment variant). */
export function ExportLink({ workspaceId, label = 'Export CSV', ...audience }: { workspaceId: string; label?: string } & ExportAudience) {
  return (
    <a className="button-link" href={audienceCsvUrl(workspaceId, audience)} download>
      {label}
    </a>
  );
}
