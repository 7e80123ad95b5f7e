import type { Migration } from 'kysely';
import * as m0001 from './0001_accounts';
import * as m0010 from './0010_segments';
import * as m0020 from './0020_journeys';
import * as m0030 from './0030_channels';
import * as m0040 from './0040_onsite';
import * as m0050 from './0050_service_messages';
import * as m0060 from './0060_email_senders';
import * as m0070 from './0070_install';
import * as m0080 from './0080_journey_broadcasts';
import * as m0090 from './0090_row_versions';
import * as m0100 from './0100_onsite_dismissals';
import * as m0110 from './0110_email_sends_journey_steps';
import * as m0120 from './0120_workspace_as_of';
import * as m0140 from './0140_experiments';
import * as m0160 from './0160_workspace_currency';
import * as m0170 from './0170_placement_recommendations';

import * as m0190 from './0190_placement_variants';
import * as m0200 from './0200_experiment_bandits';
import * as m0210 from './0210_workspace_time_zone';
import * as m0220 from './0220_template_variants';
import * as m0250 from './0250_catalog_settings';

/** Ordered, static barrel: add new migrations at the end, never edit applied ones. */
export const migrations: Record<string, Migration> = {
  '0001_accounts': m0001,
  '0010_segments': m0010,
  '0020_journeys': m0020,
  '0030_channels': m0030,
  '0040_onsite': m0040,
  '0050_service_messages': m0050,
  '0060_email_senders': m0060,
  '0070_install': m0070,
  '0080_journey_broadcasts': m0080,
  '0090_row_versions': m0090,
  '0100_onsite_dismissals': m0100,
  '0110_email_sends_journey_steps': m0110,
  '0120_workspace_as_of': m0120,
  '0140_experiments': m0140,
  '0160_workspace_currency': m0160,
  '0170_placement_recommendations': m0170,
  '0190_placement_variants': m0190,
  '0200_experiment_bandits': m0200,
  '0210_workspace_time_zone': m0210,
  '0220_template_variants': m0220,
  '0250_catalog_settings': m0250,
};
