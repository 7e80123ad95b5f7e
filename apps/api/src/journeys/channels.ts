import type { ChannelName, ProfileView } from '@overture/journeys';

/** Who can be reached where, by what the profile carries (the real senders of the channels issue refine this). */
export function basicReachability(channel: ChannelName, profile: ProfileView): true | string {
  if (channel === 'email') return typeof profile.traits.email === 'string' && profile.traits.email.includes('@') ? true : 'no_email';
  if (channel === 'web_push') return profile.traits.web_push === true || profile.traits.push_subscribed === true ? true : 'no_push_subscription';
  return true;
}
