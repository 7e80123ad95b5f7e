import { refreshRecommendations } from '../recommendations';
import { join } from 'node:path';
import type { App } from '../app-handle';
import { createUser, deleteOtherSessions, disablePassword, findUserByEmail, verifyPassword } from '../auth';
import { addMember, createWorkspace, findWorkspaceByName, setCurrency, writeKeyOf } from '../workspaces';
import { latestInvoiceDate, loadRetailCsv } from './load-retail';
import { seedDemoSegments } from './demo-segments';

export const demoSamplePath = join(import.meta.dirname, 'online-retail-sample.csv.gz');
export const demoWorkspaceName = 'Demo Store';
export const demoUser = { email: 'demo@overture.local', password: 'overture-demo' };

const dayMs = 24 * 3600 * 1000;

export interface DemoInfo {
  created: boolean;
  workspaceId: string;
  writeKey: string | undefined;
  email: string;
  password: string;
  events?: number;
}

/**
 * The first start gives a newcomer something real to look at: a workspace loaded with a sample of the
 * UCI Online Retail data set, moved in time by whole days so its last order falls on today.
 * Only on the embedded stores (a try-out on one machine): the demo user's password is public, so a
 * server install (DATABASE_URL or CLICKHOUSE_URL set) never gets one, and the answer is null.
 */
export async function ensureDemo(app: App): Promise<DemoInfo | null> {
  if (app.config.databaseUrl || app.config.clickhouseUrl) return null;
  const db = app.postgres.db;
  const existing = await findWorkspaceByName(db, demoWorkspaceName);
  if (existing) {
    return { created: false, workspaceId: existing.id, writeKey: await writeKeyOf(db, existing.id), ...demoUser };
  }
  const user = (await findUserByEmail(db, demoUser.email)) ?? (await createUser(db, demoUser.email, demoUser.password));
  const ws = await createWorkspace(db, demoWorkspaceName, user.id);
  await addMember(db, user.id, ws.id, 'owner');
  await setCurrency(db, ws.id, 'GBP'); // the UCI retailer sells in pounds sterling
  const latest = await latestInvoiceDate(demoSamplePath);
  const shiftMs = latest ? Math.floor((Date.now() - latest.getTime()) / dayMs) * dayMs : 0;
  const loaded = await loadRetailCsv(app, ws.id, demoSamplePath, { shiftMs });
  await app.writer.drain();
  await seedDemoSegments(app, ws.id);
  // Personal recommendations from day one, not after the first scheduled rebuild.
  await refreshRecommendations(app, ws.id);
  return { created: true, workspaceId: ws.id, writeKey: ws.writeKey, ...demoUser, events: loaded.events };
}

/**
 * Versions before this one also made the demo user on server installs. If it is still there with its
 * public password, it can no longer sign in (no password matches) and its sessions end; a user who
 * changed that password keeps the account. Returns whether it was retired.
 */
export async function retirePublicDemoUser(app: App): Promise<boolean> {
  const db = app.postgres.db;
  const user = await findUserByEmail(db, demoUser.email);
  if (!user || !(await verifyPassword(demoUser.password, user.password_hash))) return false;
  await disablePassword(db, user.id, 'public-demo-password');
  await deleteOtherSessions(db, user.id, null);
  return true;
}
