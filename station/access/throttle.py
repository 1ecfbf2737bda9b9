"""How many PIN guesses the station lets through, per client and for the whole station.

The per-operator lockout stops guessing one operator's PIN, but on its own it lets one
client on the Wi-Fi guess across every operator (the login screen lists them) and lock
them all out in seconds. Two token buckets sit in front of every PIN check:

- per client (source address): a burst of a few mistakes, then one guess per interval;
- station-wide: bounds the guessing of many clients (addresses are cheap on Wi-Fi); its
  burst is at most half of the misses that would lock every operator, so a flood can lock
  some operators (a supervisor unlocks them) but never the whole team at once.

A PIN check takes a token from both buckets before the (slow) hash check and gives it back
when the PIN was right, so only wrong PINs use them up. A client that logged in
successfully during the session lifetime (the team's tablets) is not held back by the
station-wide bucket, so a flood from elsewhere cannot keep the team from logging in.
State lives in memory: a restart refills the buckets, which the operator lockout (in the
database) does not undo."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass

from station.errors import Throttled
from station.messages import too_many_wrong_pins

STATION = "*"
# Forget idle clients so a flood of addresses cannot grow memory without bound.
_MAX_CLIENTS = 4096


@dataclass
class _Bucket:
    tokens: float
    at: float


@dataclass(frozen=True)
class BucketRule:
    burst: int
    refill_s: float


class GuessThrottle:
    def __init__(
        self,
        per_client: BucketRule,
        station: Callable[[], BucketRule],
        trust_s: float,
        clock: Callable[[], float],
    ) -> None:
        self.per_client = per_client
        self.station = station
        self.trust_s = trust_s
        self.clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._trusted: dict[str, float] = {}
        self._lock = threading.Lock()

    def take(self, client: str) -> None:
        """Use one guess for `client`; 429 (with how long to wait) when none is left."""
        now = self.clock()
        with self._lock:
            keys = [(client, self.per_client)]
            if self._trusted.get(client, -math.inf) <= now:
                keys.append((STATION, self.station()))
            waits = [self._wait(key, rule, now) for key, rule in keys]
            wait = max(waits)
            if wait > 0:
                raise throttled(wait)
            for key, _ in keys:
                self._buckets[key].tokens -= 1

    def give_back(self, client: str, trust: bool = True) -> None:
        """The PIN was right (or never checked): return the guess; a right PIN also makes
        this client trusted for a while."""
        now = self.clock()
        with self._lock:
            for key, rule in ((client, self.per_client), (STATION, self.station())):
                bucket = self._buckets.get(key)
                if bucket is not None:
                    bucket.tokens = min(rule.burst, bucket.tokens + 1)
            if trust:
                self._trusted[client] = now + self.trust_s

    def _wait(self, key: str, rule: BucketRule, now: float) -> float:
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= _MAX_CLIENTS:
                self._forget_full(now)
            bucket = self._buckets[key] = _Bucket(float(rule.burst), now)
        bucket.tokens = min(rule.burst, bucket.tokens + (now - bucket.at) / rule.refill_s)
        bucket.at = now
        return 0.0 if bucket.tokens >= 1 else (1 - bucket.tokens) * rule.refill_s

    def _forget_full(self, now: float) -> None:
        """Drop clients whose bucket has refilled: they are as if never seen."""
        rule = self.per_client
        for key, bucket in list(self._buckets.items()):
            if key != STATION and bucket.tokens + (now - bucket.at) / rule.refill_s >= rule.burst:
                del self._buckets[key]
        for key, until in list(self._trusted.items()):
            if until <= now:
                del self._trusted[key]
        # Still full: the oldest clients go (the station-wide bucket still bounds them).
        for key in list(self._buckets)[: max(0, len(self._buckets) - _MAX_CLIENTS // 2)]:
            if key != STATION:
                del self._buckets[key]


def throttled(wait_s: float) -> Throttled:
    seconds = max(1, math.ceil(wait_s))
    return Throttled("too_many_attempts", too_many_wrong_pins(seconds))
