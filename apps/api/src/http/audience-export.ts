import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App } from '../app-handle';
import { readCookie, sessionCookie, userOfSession } from '../auth';
import { roleIn } from '../workspaces';
import { rfmSegments, type RfmSegment } from '../profiles';
import { ExperimentError, getExperiment, variantProfilesSql } from '../experiments';
import { audienceCsvHeader, audienceCsvLines, audiencePages, getSegment, type Audience } from '../segments';
import { HttpError } from '../kernel/http/errors';
import type { ExtraRoute } from '../kernel/http/route';

const score = (url: URL, name: 'r' | 'f'): number => {
  const v = Number(url.searchParams.get(name));
  if (!Number.isInteger(v) || v < 1 || v > 5) throw new HttpError(400, `${name}: an RFM score from 1 to 5`);
  return v;
};

async function audienceOf(app: App, workspaceId: string, url: URL): Promise<{ audience: Audience; label: string }> {
  const audience: Audience = {};
  const labels: string[] = [];
  const segmentId = url.searchParams.get('segment');
  if (segmentId !== null) {
    if (segmentId.length > 100) throw new HttpError(400, 'segment: at most 100 characters');
    const segment = await getSegment(app, workspaceId, segmentId);
    if (!segment) throw new HttpError(404, `segment: no segment ${segmentId} in this workspace`);
    audience.segmentId = segment.id;
    labels.push(segment.name);
  }
  if (url.searchParams.has('r') || url.searchParams.has('f')) {
    audience.rfm = { r: score(url, 'r'), f: score(url, 'f') };
    labels.push(`rfm-r${audience.rfm.r}-f${audience.rfm.f}`);
  }
  const rfmSegment = url.searchParams.get('rfmSegment');
  if (rfmSegment !== null) {
    if (!(rfmSegments as readonly string[]).includes(rfmSegment)) throw new HttpError(400, `rfmSegment: one of ${rfmSegments.join(', ')}`);
    audience.rfmSegment = rfmSegment as RfmSegment;
    labels.push(rfmSegment);
  }
  const experimentId = url.searchParams.get('experiment');
  if (experimentId !== null) {
    if (!experimentId || experimentId.length > 100) throw new HttpError(400, 'experiment: an experiment id');
    const experiment = await getExperiment(app.postgres.db, workspaceId, experimentId).catch((err: unknown) => {
      if (err instanceof ExperimentError && err.code === 'NOT_FOUND') throw new HttpError(404, `experiment: no experiment ${experimentId} in this workspace`);
      throw err;
    });
    const variant = url.searchParams.get('variant');
    const names = experiment.variants.map((v) => v.name);
    if (variant === null || !names.includes(variant)) throw new HttpError(400, `variant: one of ${names.join(', ')}`);
    audience.profileIn = variantProfilesSql(workspaceId, experiment.key, variant);
    labels.push(experiment.key, variant);
  } else if (url.searchParams.has('variant')) throw new HttpError(400, 'variant: only with experiment');
  return { audience, label: labels.join('-') || 'all-profiles' };
}

/**
 * `GET /export/audience.csv?workspaceId=…[&segment=…][&r=…&f=…][&rfmSegment=…][&experiment=…&variant=…]`:
 * everyone in an audience (the filters given, all at once; an experiment variant's people are those whose
 * earliest exposure was to it) as CSV, for a signed-in member of the workspace. Streamed a page at a time, waiting for the socket to drain, so a
 * million rows cost one page of memory.
 */
async function exportAudience(app: App, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const token = readCookie(req.headers.cookie, sessionCookie);
  const user = token ? await userOfSession(app.postgres.db, token) : null;
  if (!user) throw new HttpError(401, 'Sign in first');
  const workspaceId = url.searchParams.get('workspaceId') ?? '';
  if (!workspaceId || workspaceId.length > 100) throw new HttpError(400, 'workspaceId: required');
  if (!(await roleIn(app.postgres.db, user.id, workspaceId))) throw new HttpError(403, 'You are not a member of this workspace');
  const { audience, label } = await audienceOf(app, workspaceId, url);

  const filename = `${label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'audience'}.csv`;
  res.writeHead(200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${filename}"`,
    'cache-control': 'no-store',
  });
  const write = async (chunk: string) => {
    if (!res.write(chunk)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
  };
  await write(audienceCsvHeader);
  for await (const rows of audiencePages(app, workspaceId, audience)) {
    if (res.destroyed) return;
    await write(audienceCsvLines(rows));
  }
  res.end();
}

export const audienceExportRoutes: ExtraRoute[] = [{ method: 'GET', path: '/export/audience.csv', handler: exportAudience }];
