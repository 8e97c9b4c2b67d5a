import path from 'node:path';
import { runService } from '@klaxon/runtime';
import { loadAllInOneConfig } from './config';
import { mountAll } from './mount';

// Every service in one process on one port: an embedded PostgreSQL server under KLAXON_DATA_DIR and
// the Postgres-log bus by default; KLAXON_DATABASE_URL and KLAXON_KAFKA_BROKERS switch to an external
// PostgreSQL and Kafka. This thread answers HTTP; background.ts runs the consumers, timers and relays
// in a worker thread, so an alert storm's grouping never delays the Events API's 202. Between them
// they keep 30 connections, which leaves PostgreSQL's default of 100 room for a second replica,
// psql and migrations.
const config = loadAllInOneConfig();
void runService({
  name: 'all-in-one',
  poolSize: 10,
  mount: (app, ctx) => mountAll(app, ctx, config),
  background: path.join(__dirname, `background${path.extname(__filename)}`),
});
