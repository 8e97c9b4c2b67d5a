import { loadCatalogConfig } from '@klaxon/catalog';
import { loadEscalationConfig } from '@klaxon/escalation';
import { loadGroupingConfig } from '@klaxon/grouping';
import { loadIngestConfig } from '@klaxon/ingest';
import { loadConfig } from '@klaxon/kit';
import { loadNotifyConfig } from '@klaxon/notify';
import { infrastructureConfigSchema } from '@klaxon/runtime';
import { actionLinkKey } from './action-link-key';
import type { AllInOneConfig } from './mount';

/** Every service's settings, from the environment. */
export function loadAllInOneConfig(): AllInOneConfig {
  // Grouping verifies the action links notify signs: one key for both (and for both threads).
  const env = {
    ...process.env,
    KLAXON_ACTION_LINK_SECRET: actionLinkKey(
      process.env.KLAXON_ACTION_LINK_SECRET,
      loadConfig(infrastructureConfigSchema).KLAXON_DATA_DIR,
    ),
  };
  return {
    catalog: loadCatalogConfig(),
    ingest: loadIngestConfig(),
    grouping: loadGroupingConfig(env),
    escalation: loadEscalationConfig(),
    notify: loadNotifyConfig(env),
  };
}
