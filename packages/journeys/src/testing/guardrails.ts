import type { ChannelName } from '../definition';
import { defaultSettings, type Engagement, type Guardrails, type ProfileView, type WorkspaceSettings } from '../ports';

/** Settings, consent blockers, the send history (for caps) and engagement, in memory. */
export class MemoryGuardrails implements Guardrails {
  readonly sent: Array<{ workspaceId: string; profileId: string; channel: ChannelName; at: number }> = [];
  private readonly perWorkspace = new Map<string, WorkspaceSettings>();
  private readonly blockers = new Map<string, string>();
  private readonly engagements = new Map<string, Engagement>();

  constructor(private readonly defaults: WorkspaceSettings = defaultSettings) {}

  configure(workspaceId: string, settings: Partial<WorkspaceSettings>): void {
    this.perWorkspace.set(workspaceId, { ...this.defaults, ...this.perWorkspace.get(workspaceId), ...settings });
  }

  /** The profile may not get `channel`, for `reason` (`consent`, `suppressed`...). */
  block(workspaceId: string, profileId: string, channel: ChannelName, reason: string): void {
    this.blockers.set(`${workspaceId}\u0000${profileId}\u0000${channel}`, reason);
  }

  setEngagement(workspaceId: string, profileId: string, engagement: Engagement): void {
    this.engagements.set(`${workspaceId}\u0000${profileId}`, engagement);
  }

  recordSent(workspaceId: string, profileId: string, channel: ChannelName, at: number): void {
    this.sent.push({ workspaceId, profileId, channel, at });
  }

  async settings(workspaceId: string): Promise<WorkspaceSettings> {
    return this.perWorkspace.get(workspaceId) ?? this.defaults;
  }

  async blocker(workspaceId: string, profile: ProfileView, channel: ChannelName): Promise<string | null> {
    return this.blockers.get(`${workspaceId}\u0000${profile.id}\u0000${channel}`) ?? null;
  }

  async sentSince(workspaceId: string, profileId: string, channel: ChannelName | 'all', sinceMs: number): Promise<number> {
    return this.sent.filter((s) => s.workspaceId === workspaceId && s.profileId === profileId && (channel === 'all' || s.channel === channel) && s.at >= sinceMs).length;
  }

  async engagement(workspaceId: string, profileId: string): Promise<Engagement> {
    return this.engagements.get(`${workspaceId}\u0000${profileId}`) ?? { perChannel: {}, engagementTimes: [] };
  }
}
