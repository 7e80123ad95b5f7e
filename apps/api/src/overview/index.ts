export { workspaceOverview, type WorkspaceOverview, type PeriodFigures, type MarketingFigures } from './overview';
