import type { ReactNode } from 'react';
import { EventsPage } from './events/EventsPage';
import { InstallPage } from './install/InstallPage';

export interface PageProps {
  workspaceId: string;
  /** Path segments after the page's own, e.g. a profile id. */
  rest: string[];
}

export interface WorkspacePage {
  id: string;
  label: string;
  render: (props: PageProps) => ReactNode;
}

/** The workspace's pages, in tab order: a new page is one entry here. */
export const workspacePages: WorkspacePage[] = [
  { id: 'events', label: 'Events', render: ({ workspaceId }) => <EventsPage key={workspaceId} workspaceId={workspaceId} /> },
  { id: 'install', label: 'Install', render: ({ workspaceId }) => <InstallPage key={workspaceId} workspaceId={workspaceId} /> },
];

export const findPage = (id: string): WorkspacePage | undefined => workspacePages.find((p) => p.id === id);
