import type { ReactNode } from 'react';
import { EventsPage } from './events/EventsPage';
import { InstallPage } from './install/InstallPage';
import { JourneysPage } from './journeys/JourneysPage';
import { JourneySettingsPage } from './journeys/JourneySettingsPage';
import { ProfilesPage } from './profiles/ProfilesPage';
import { SegmentsPage } from './segments/SegmentsPage';
import { RfmPage } from './rfm/RfmPage';
import { MessagesPage } from './messages/MessagesPage';
import { ChannelsPage } from './channels/ChannelsPage';
import { OnsitePage } from './onsite/OnsitePage';
import { AccountPage } from './account/AccountPage';
import { CatalogPage } from './catalog/CatalogPage';
import { ExperimentsPage } from './experiments/ExperimentsPage';
import { OverviewPage } from './overview/OverviewPage';
import { CampaignsPage } from './campaigns/CampaignsPage';
import { RecommendationsPage } from './recommendations/RecommendationsPage';

export interface PageProps {
  workspaceId: string;
  /** Path segments after the page's own, e.g. a profile id. */
  rest: string[];
}

/** The sidebar's sections, in order: the home page (no heading), who the customers are, how to reach them, what arrives, and the set-up. */
export const pageGroups = ['Home', 'Audience', 'Engage', 'Data', 'Set up'] as const;
export type PageGroup = (typeof pageGroups)[number];

export interface WorkspacePage {
  id: string;
  label: string;
  group: PageGroup;
  render: (props: PageProps) => ReactNode;
}

/** The workspace's pages, in tab order: a new page is one entry here. */
export const workspacePages: WorkspacePage[] = [
  { id: 'overview', label: 'Overview', group: 'Home', render: ({ workspaceId }) => <OverviewPage key={workspaceId} workspaceId={workspaceId} /> },
  { id: 'events', label: 'Events', group: 'Data', render: ({ workspaceId }) => <EventsPage key={workspaceId} workspaceId={workspaceId} /> },
  { id: 'install', label: 'Install', group: 'Set up', render: ({ workspaceId }) => <InstallPage key={workspaceId} workspaceId={workspaceId} /> },
  { id: 'journeys', label: 'Journeys', group: 'Engage', render: ({ workspaceId, rest }) => <JourneysPage key={workspaceId} workspaceId={workspaceId} rest={rest} /> },
  { id: 'journey-settings', label: 'Journey settings', group: 'Set up', render: ({ workspaceId }) => <JourneySettingsPage key={workspaceId} workspaceId={workspaceId} /> },
  { id: 'profiles', label: 'Profiles', group: 'Audience', render: ({ workspaceId, rest }) => <ProfilesPage key={workspaceId} workspaceId={workspaceId} rest={rest} /> },
  { id: 'segments', label: 'Segments', group: 'Audience', render: ({ workspaceId, rest }) => <SegmentsPage key={workspaceId} workspaceId={workspaceId} rest={rest} /> },
  { id: 'rfm', label: 'RFM', group: 'Audience', render: ({ workspaceId }) => <RfmPage key={workspaceId} workspaceId={workspaceId} /> },
  { id: 'campaigns', label: 'Campaigns', group: 'Engage', render: ({ workspaceId }) => <CampaignsPage key={workspaceId} workspaceId={workspaceId} /> },
  { id: 'messages', label: 'Messages', group: 'Engage', render: ({ workspaceId, rest }) => <MessagesPage key={workspaceId} workspaceId={workspaceId} rest={rest} /> },
  { id: 'channels', label: 'Channels', group: 'Set up', render: ({ workspaceId }) => <ChannelsPage key={workspaceId} workspaceId={workspaceId} /> },
  { id: 'catalog', label: 'Catalog', group: 'Data', render: ({ workspaceId }) => <CatalogPage key={workspaceId} workspaceId={workspaceId} /> },
  { id: 'recommendations', label: 'Recommendations', group: 'Engage', render: ({ workspaceId }) => <RecommendationsPage key={workspaceId} workspaceId={workspaceId} /> },
  { id: 'onsite', label: 'Onsite', group: 'Engage', render: ({ workspaceId }) => <OnsitePage key={workspaceId} workspaceId={workspaceId} /> },
  { id: 'experiments', label: 'Experiments', group: 'Engage', render: ({ workspaceId, rest }) => <ExperimentsPage key={workspaceId} workspaceId={workspaceId} rest={rest} /> },
  { id: 'account', label: 'Account', group: 'Set up', render: () => <AccountPage /> },
];

export const findPage = (id: string): WorkspacePage | undefined => workspacePages.find((p) => p.id === id);
