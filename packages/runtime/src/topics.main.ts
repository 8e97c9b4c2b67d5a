import { createKafkaBus, deadLetterTopicSpecs } from '@klaxon/bus';
import { allTopics } from '@klaxon/contracts';
import { createLogger, loadConfig } from '@klaxon/kit';
import { brokerList, infrastructureConfigSchema } from './config';

// The topic-init step of a deployment (Compose, Kubernetes, scripts/dev-cluster.sh): creates the
// catalogued topics with their partition counts once, before the services start, so replicas do
// not race to create them. Every service still ensures them at start; this only runs it first.
async function main(): Promise<number> {
  const env = loadConfig(infrastructureConfigSchema);
  const log = createLogger({ level: env.KLAXON_LOG_LEVEL, name: 'topics' });
  const brokers = brokerList(env.KLAXON_KAFKA_BROKERS);
  if (brokers.length === 0) {
    log.fatal('KLAXON_KAFKA_BROKERS is required to create topics');
    return 1;
  }
  const bus = await createKafkaBus({ brokers, clientId: 'klaxon-topics', log });
  try {
    const all = [...allTopics, ...deadLetterTopicSpecs(allTopics)];
    await bus.ensureTopics(all);
    log.info({ topics: all.map((t) => t.name) }, 'topics_ready');
    return 0;
  } catch (err) {
    log.fatal({ err }, 'topics_failed');
    return 1;
  } finally {
    await bus.close();
  }
}

void main().then((code) => process.exit(code));
