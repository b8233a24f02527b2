/**
 * The stand-in in its own process for the benchmark, as the real service is on another machine: the
 * bench's own work and the stand-in's do not share one event loop. Driven over IPC: each message
 * queues one answer (acknowledged once queued); when it has been sent, its timeline comes back.
 */
import { CerebrasStandIn, type Scenario } from '../test/standin/server';

const standin = new CerebrasStandIn();

process.on('message', (message: { id: number; scenario: Scenario }) => {
  const timeline: { end: number; at: number }[] = [];
  standin.enqueue({ ...message.scenario, timeline, onEnd: () => process.send?.({ id: message.id, timeline }) });
  // A large answer takes longer to arrive over IPC than the request over HTTP: say when it is queued.
  process.send?.({ id: message.id, queued: true });
});

void standin.start().then((url) => process.send?.({ ready: url, apiKey: standin.apiKey }));
process.on('disconnect', () => void standin.close().then(() => process.exit(0)));
