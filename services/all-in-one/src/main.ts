import { loadCatalogConfig } from '@klaxon/catalog';
import { loadEscalationConfig } from '@klaxon/escalation';
import { loadGroupingConfig } from '@klaxon/grouping';
import { loadIngestConfig } from '@klaxon/ingest';
import { loadConfig } from '@klaxon/kit';
import { loadNotifyConfig } from '@klaxon/notify';
import { infrastructureConfigSchema, runService } from '@klaxon/runtime';
import { actionLinkKey } from './action-link-key';
import { mountAll } from './mount';

// Every service in one process on one port: an embedded PostgreSQL server under KLAXON_DATA_DIR and
// the Postgres-log bus by default; KLAXON_DATABASE_URL and KLAXON_KAFKA_BROKERS switch to an external
// PostgreSQL and Kafka. One pool serves every service here: ingest's appends, the log consumers'
// batches, each outbox relay and the timer pollers hold connections at once; 30 leaves PostgreSQL's
// default of 100 connections room for a second replica, psql and migrations.
// Grouping verifies the action links notify signs: one key for both.
const linkKey = actionLinkKey(
  process.env.KLAXON_ACTION_LINK_SECRET,
  loadConfig(infrastructureConfigSchema).KLAXON_DATA_DIR,
);
const config = {
  catalog: loadCatalogConfig(),
  ingest: loadIngestConfig(),
  grouping: loadGroupingConfig({ ...process.env, KLAXON_ACTION_LINK_SECRET: linkKey }),
  escalation: loadEscalationConfig(),
  notify: loadNotifyConfig({ ...process.env, KLAXON_ACTION_LINK_SECRET: linkKey }),
};
void runService({ name: 'all-in-one', poolSize: 30, mount: (app, ctx) => mountAll(app, ctx, config) });
