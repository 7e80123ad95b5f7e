import type { ProfileSource, ProfileView, TraitWriter } from '../ports';

/** Profiles, segment memberships and performed events in memory. */
export class MemoryProfiles implements ProfileSource, TraitWriter {
  readonly profiles = new Map<string, ProfileView>();
  readonly performed: Array<{ workspaceId: string; profileId: string; event: string; at: number }> = [];
  private readonly members = new Set<string>();

  add(workspaceId: string, profile: ProfileView): ProfileView {
    this.profiles.set(`${workspaceId}\u0000${profile.id}`, structuredClone(profile));
    return profile;
  }

  joinSegment(workspaceId: string, segmentId: string, profileId: string): void {
    this.members.add(`${workspaceId}\u0000${segmentId}\u0000${profileId}`);
  }

  perform(workspaceId: string, profileId: string, event: string, at: number): void {
    this.performed.push({ workspaceId, profileId, event, at });
  }

  async getProfile(workspaceId: string, profileId: string): Promise<ProfileView | null> {
    const p = this.profiles.get(`${workspaceId}\u0000${profileId}`);
    return p ? structuredClone(p) : null;
  }

  async isInSegment(workspaceId: string, segmentId: string, profileId: string): Promise<boolean> {
    return this.members.has(`${workspaceId}\u0000${segmentId}\u0000${profileId}`);
  }

  async hasPerformed(workspaceId: string, profileId: string, event: string, sinceMs: number): Promise<boolean> {
    return this.performed.some((e) => e.workspaceId === workspaceId && e.profileId === profileId && e.event === event && e.at >= sinceMs);
  }

  async setTrait(workspaceId: string, profileId: string, trait: string, value: unknown): Promise<void> {
    const key = `${workspaceId}\u0000${profileId}`;
    const p = this.profiles.get(key) ?? { id: profileId, traits: {} };
    this.profiles.set(key, { ...p, traits: { ...p.traits, [trait]: value } });
  }
}
