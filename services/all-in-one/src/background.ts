import { runBackground } from '@klaxon/runtime';
import { loadAllInOneConfig } from './config';
import { mountAll } from './mount';

// The all-in-one's worker thread (started by main.ts): the same plugins, running their consumers,
// timers and relays on the database the serving thread opened.
void runBackground({ name: 'all-in-one', poolSize: 20, mount: (app, ctx) => mountAll(app, ctx, loadAllInOneConfig()) });
