import { loadCatalogConfig } from '@klaxon/catalog';
import { loadEscalationConfig } from '@klaxon/escalation';
import { loadGroupingConfig } from '@klaxon/grouping';
import { loadIngestConfig } from '@klaxon/ingest';
import { loadNotifyConfig } from '@klaxon/notify';
import type { AllInOneConfig } from './mount';

/** Every service's settings, from the environment. */
export function loadAllInOneConfig(): AllInOneConfig {
  return {
    catalog: loadCatalogConfig(),
    ingest: loadIngestConfig(),
    grouping: loadGroupingConfig(),
    escalation: loadEscalationConfig(),
    notify: loadNotifyConfig(),
  };
}
