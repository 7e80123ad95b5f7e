/** Where an audience's CSV is downloaded from: the API streams it, so it works for a million people. */
export function audienceCsvUrl(workspaceId: string, audience: { segmentId?: string | undefined; rfm?: { r: number; f: number } | undefined }): string {
  const q = new URLSearchParams({ workspaceId });
  if (audience.segmentId) q.set('segment', audience.segmentId);
  if (audience.rfm) {
    q.set('r', String(audience.rfm.r));
    q.set('f', String(audience.rfm.f));
  }
  return `/export/audience.csv?${q.toString()}`;
}

/** A download link for everyone in an audience (all profiles, a segment, an RFM cell). */
export function ExportLink(props: { workspaceId: string; segmentId?: string | undefined; rfm?: { r: number; f: number } | undefined }) {
  return (
    <a className="button-link" href={audienceCsvUrl(props.workspaceId, props)} download>
      Export CSV
    </a>
  );
}
