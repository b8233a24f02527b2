/** Turbo's waits (timers/promises with a signal): a cancelled wait ends at once, a long one stays long. */
import * as assert from 'node:assert/strict';
import { sleep } from '../../src/core/generation/requestGuard';

const elapsed = async (wait: Promise<void>) => {
  const start = performance.now();
  await wait;
  return performance.now() - start;
};

describe('sleep', () => {
  it('waits the time asked', async () => {
    assert.ok((await elapsed(sleep(60))) >= 55);
  });

  it('ends, without throwing, as soon as its signal aborts', async () => {
    const cancel = new AbortController();
    setTimeout(() => cancel.abort(), 30);
    assert.ok((await elapsed(sleep(60_000, cancel.signal))) < 5_000);
    assert.ok((await elapsed(sleep(60_000, cancel.signal))) < 1_000, 'an already aborted signal does not wait');
  });

  it('holds a wait longer than a timer can as the longest one, not as an immediate one', async () => {
    const cancel = new AbortController();
    let done = false;
    const waiting = sleep(2 ** 40, cancel.signal).then(() => (done = true));
    await sleep(50);
    assert.equal(done, false);
    cancel.abort();
    await waiting;
  });
});
