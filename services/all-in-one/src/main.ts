import { loadCatalogConfig } from '@klaxon/catalog';
import { loadGroupingConfig } from '@klaxon/grouping';
import { loadIngestConfig } from '@klaxon/ingest';
import { runService } from '@klaxon/runtime';
import { mountAll } from './mount';

// Every service in one process on one port: PGlite under KLAXON_DATA_DIR and the Postgres-log bus by
// default; KLAXON_DATABASE_URL and KLAXON_KAFKA_BROKERS switch to PostgreSQL and Kafka.
const config = { catalog: loadCatalogConfig(), ingest: loadIngestConfig(), grouping: loadGroupingConfig() };
void runService({ name: 'all-in-one', mount: (app, ctx) => mountAll(app, ctx, config) });
