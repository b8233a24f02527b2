import * as assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { abortingOnCancel, OneAtATime, type Cancellation } from '../../src/core/oneAtATime';

/** A cancellation token over a real AbortSignal, so its listeners can be counted. */
function tokenOf(signal: AbortSignal): Cancellation {
  return {
    onCancellationRequested(listener) {
      signal.addEventListener('abort', listener);
      return { dispose: () => signal.removeEventListener('abort', listener) };
    },
  };
}

describe('one at a time', () => {
  it('claims the slot before the first await: a second run started at once is refused', async () => {
    const slot = new OneAtATime();
    let release!: () => void;
    const first = slot.run(() => new Promise<string>((resolve) => (release = () => resolve('first'))));
    assert.equal(await slot.run(async () => 'second'), 'busy');
    release();
    assert.equal(await first, 'first');
    assert.equal(await slot.run(async () => 'third'), 'third');
  });

  it('frees the slot when the work throws, and tells onBusy each time', async () => {
    const heard: boolean[] = [];
    const slot = new OneAtATime((busy) => heard.push(busy));
    await assert.rejects(
      slot.run(async () => {
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(slot.running, undefined);
    assert.deepEqual(heard, [true, false]);
  });

  it('stop aborts the work under way; stopIfStill never stops a later run', async () => {
    const slot = new OneAtATime();
    assert.equal(slot.stop(), false);
    let earlier: AbortController | undefined;
    await slot.run(async (abort) => {
      earlier = abort;
      assert.equal(slot.running, abort);
    });
    await slot.run(async (abort) => {
      assert.equal(slot.stopIfStill(earlier!), false);
      assert.equal(abort.signal.aborted, false);
      assert.equal(slot.stopIfStill(abort), true);
      assert.equal(abort.signal.aborted, true);
    });
    await slot.run(async (abort) => {
      assert.equal(slot.stop(), true);
      assert.equal(abort.signal.aborted, true);
    });
  });
});

describe('aborting on cancel', () => {
  it('aborts the work when the token is cancelled', async () => {
    const source = new AbortController();
    const abort = new AbortController();
    await abortingOnCancel(tokenOf(source.signal), abort, async () => {
      source.abort();
      assert.equal(abort.signal.aborted, true);
    });
  });

  it('leaves no listener on the token when the work ends, returns or throws', async () => {
    const source = new AbortController();
    const token = tokenOf(source.signal);
    assert.equal(await abortingOnCancel(token, new AbortController(), async () => 1), 1);
    await assert.rejects(
      abortingOnCancel(token, new AbortController(), async () => {
        assert.equal(getEventListeners(source.signal, 'abort').length, 1);
        throw new Error('boom');
      }),
    );
    assert.equal(getEventListeners(source.signal, 'abort').length, 0);
  });
});
