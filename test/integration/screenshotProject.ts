/**
 * What a model answers to the Library module template (a token-bucket rate limiter), for the README's
 * pictures: a real Python project whose unittest suite fails 2 of its 10 tests under pytest, and the fix for both.
 */
import { editBlocks, fileBlocks } from '../standin/server';

const BUCKET = `"""A token-bucket rate limiter: one bucket per key, refilled continuously."""

from dataclasses import dataclass
import threading


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: float


class TokenBucket:
    """Allows \`capacity\` calls in a burst per key, then \`rate\` calls per second."""

    def __init__(self, capacity: int, rate: float) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.capacity = capacity
        self.rate = rate
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}

    def allow(self, key: str, now: float) -> Decision:
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.capacity), now))
            tokens = tokens + (now - last) * self.rate
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                return Decision(allowed=True, retry_after=0.0)
            self._buckets[key] = (tokens, now)
            return Decision(allowed=False, retry_after=(1 - tokens) * self.rate)
`;

const TESTS = `import threading
import unittest

from ratelimit import Decision, TokenBucket


class TokenBucketTest(unittest.TestCase):
    def test_allows_a_burst_up_to_capacity(self):
        bucket = TokenBucket(capacity=3, rate=1.0)
        allowed = [bucket.allow("alice", now=0.0).allowed for _ in range(4)]
        self.assertEqual(allowed, [True, True, True, False])

    def test_allowed_calls_need_no_wait(self):
        bucket = TokenBucket(capacity=1, rate=1.0)
        self.assertEqual(bucket.allow("alice", now=0.0), Decision(allowed=True, retry_after=0.0))

    def test_retry_after_is_the_time_to_the_next_token(self):
        bucket = TokenBucket(capacity=1, rate=0.5)
        bucket.allow("alice", now=0.0)
        self.assertAlmostEqual(bucket.allow("alice", now=0.0).retry_after, 2.0)

    def test_retry_after_counts_a_partial_token(self):
        bucket = TokenBucket(capacity=1, rate=1.0)
        bucket.allow("alice", now=0.0)
        self.assertAlmostEqual(bucket.allow("alice", now=0.25).retry_after, 0.75)

    def test_refills_at_the_given_rate(self):
        bucket = TokenBucket(capacity=1, rate=2.0)
        self.assertTrue(bucket.allow("alice", now=0.0).allowed)
        self.assertFalse(bucket.allow("alice", now=0.25).allowed)
        self.assertTrue(bucket.allow("alice", now=0.5).allowed)

    def test_refill_never_exceeds_capacity(self):
        bucket = TokenBucket(capacity=2, rate=1.0)
        bucket.allow("alice", now=0.0)
        allowed = [bucket.allow("alice", now=60.0).allowed for _ in range(3)]
        self.assertEqual(allowed, [True, True, False])

    def test_keys_have_their_own_buckets(self):
        bucket = TokenBucket(capacity=1, rate=1.0)
        self.assertTrue(bucket.allow("alice", now=0.0).allowed)
        self.assertTrue(bucket.allow("bob", now=0.0).allowed)
        self.assertFalse(bucket.allow("alice", now=0.0).allowed)

    def test_rejects_a_capacity_below_one(self):
        with self.assertRaises(ValueError):
            TokenBucket(capacity=0, rate=1.0)

    def test_rejects_a_rate_that_is_not_positive(self):
        with self.assertRaises(ValueError):
            TokenBucket(capacity=1, rate=0.0)

    def test_is_thread_safe(self):
        bucket = TokenBucket(capacity=50, rate=1e-9)
        allowed = []

        def worker():
            for _ in range(100):
                allowed.append(bucket.allow("shared", now=0.0).allowed)

        threads = [threading.Thread(target=worker) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(allowed.count(True), 50)


if __name__ == "__main__":
    unittest.main()
`;

export const PROJECT: Record<string, string> = {
  'ratelimit/__init__.py': 'from .bucket import Decision, TokenBucket\n\n__all__ = ["Decision", "TokenBucket"]\n',
  'ratelimit/bucket.py': BUCKET,
  'tests/__init__.py': '',
  'tests/test_bucket.py': TESTS,
};

export const REASONING =
  'The contract asks for a token bucket per key with capacity C and refill rate R, a Decision dataclass, a lock for thread safety and unittest tests. ' +
  'Store (tokens, last) per key, refill by elapsed time times rate, take one token when at least one is there, otherwise report the time until one is.';

export const ANSWER = fileBlocks(PROJECT);

/** Where the answer is held for the picture mid-stream: near the end of the last file. */
export const PAUSE_AT_CHAR = ANSWER.indexOf('</FILE>', ANSWER.indexOf('<FILE path="tests/test_bucket.py">')) - 60;

export const FIX = editBlocks(
  [
    {
      file: 'ratelimit/bucket.py',
      search: '            tokens = tokens + (now - last) * self.rate',
      replace: '            tokens = min(self.capacity, tokens + (now - last) * self.rate)',
    },
    {
      file: 'ratelimit/bucket.py',
      search: '            return Decision(allowed=False, retry_after=(1 - tokens) * self.rate)',
      replace: '            return Decision(allowed=False, retry_after=(1 - tokens) / self.rate)',
    },
  ],
  'The refill must be capped at the capacity, and the wait is the missing fraction of a token divided by the rate.\n\n',
);
