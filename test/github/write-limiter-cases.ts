// The cases both write limiters (in-process and on Redis) must answer alike: a write counts in
// GitHub's windows from when it was sent until its answer arrived, and notifying writes keep a
// minute budget of their own. `make` builds the limiter under test on the given clock.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { WriteLimiter, WriteLimits } from '../../src/github/index.js';
import { heldClock } from '../support/test-clocks.js';

export function windowEdgeCases(
  make: (clock: ReturnType<typeof heldClock>, limits: WriteLimits) => WriteLimiter,
): void {
  it('counts a write until its answer arrived: one reserved before that answer waits for it', async () => {
    const clock = heldClock(9_000_000);
    const limits = { writeIntervalMs: 0, writesPerMinute: 1, writesPerHour: 100 };
    const limiter = make(clock, limits);
    const first = await limiter.acquireWrite('installation-answered');
    let waited: number | undefined;
    const second = limiter
      .acquireWrite('installation-answered')
      .then((slot) => (waited = slot.waitedMs));
    await clock.advanceTo(9_010_000); // the first write's answer arrives 10 s after it was sent
    await first.answered();
    await clock.advanceTo(9_060_000); // its slot, a minute after the first was sent
    assert.equal(waited, undefined, 'GitHub may have counted the first write up to 10 s late');
    await clock.advanceTo(9_070_000); // a minute after the first write's answer
    await second;
    assert.equal(waited, 70_000);
  });
  it('counts a write from when it is sent, when it waited after its slot (for a place in flight)', async () => {
    const clock = heldClock(9_000_000);
    const limits = { writeIntervalMs: 0, writesPerMinute: 1, writesPerHour: 100 };
    const limiter = make(clock, limits);
    const first = await limiter.acquireWrite('installation-sent');
    let waited: number | undefined;
    const second = limiter
      .acquireWrite('installation-sent')
      .then((slot) => (waited = slot.waitedMs));
    await clock.advanceTo(9_005_000); // the first write is sent 5 s after its slot
    await first.sent();
    await clock.advanceTo(9_060_000); // its slot, a minute after the first's
    assert.equal(waited, undefined, 'GitHub counts the first write from when it was sent');
    await clock.advanceTo(9_065_000); // a minute after the first write was sent
    await second;
    assert.equal(waited, 65_000);
  });
  it('holds notifying writes to their own minute budget without holding back the other writes', async () => {
    const clock = heldClock(20_000_000);
    const limits = {
      writeIntervalMs: 1000,
      writesPerMinute: 80,
      writesPerHour: 500,
      notificationsPerMinute: 2,
    };
    const limiter = make(clock, limits);
    const key = 'installation-notify';
    const waits: Record<string, number> = {};
    const note = (name: string) => (ms: number) => void (waits[name] = ms);
    assert.equal(await limiter.acquire(key, { notifying: true }), 0);
    const second = limiter.acquire(key, { notifying: true }).then(note('second pull request'));
    await clock.sleeping(1);
    await clock.advanceTo(20_001_000);
    await second;
    // A third pull request within the minute waits for the first to leave the window...
    const third = limiter.acquire(key, { notifying: true }).then(note('third pull request'));
    await clock.sleeping(1);
    // ...while a commit reserved after it goes at the next interval, not behind it.
    const commit = limiter.acquire(key).then(note('commit'));
    await clock.sleeping(2);
    await clock.advanceTo(20_002_000);
    await Promise.race([commit, third]);
    assert.deepEqual({ ...waits }, { 'second pull request': 1000, commit: 1000 });
    await clock.advanceTo(20_059_999);
    assert.equal(waits['third pull request'], undefined);
    await clock.advanceTo(20_060_000);
    await third;
    assert.equal(waits['third pull request'], 59_000);
  });

  it('counts a notifying write in its window until its answer arrived', async () => {
    const clock = heldClock(30_000_000);
    const limits = {
      writeIntervalMs: 0,
      writesPerMinute: 80,
      writesPerHour: 500,
      notificationsPerMinute: 1,
    };
    const limiter = make(clock, limits);
    const key = 'installation-notify-answered';
    const first = await limiter.acquireWrite(key, { notifying: true });
    let waited: number | undefined;
    const second = limiter
      .acquireWrite(key, { notifying: true })
      .then((slot) => (waited = slot.waitedMs));
    // It sleeps until the first pull request leaves the notification window.
    await Promise.race([clock.sleeping(1), second]);
    // A plain write meanwhile is not a notification: it goes at once.
    assert.equal(await limiter.acquire(key), 0);
    await clock.advanceTo(30_010_000); // the pull request's answer arrives 10 s after it was sent
    await first.answered();
    await clock.advanceTo(30_060_000); // a minute after the first pull request was sent
    await Promise.race([clock.sleeping(1), second]);
    assert.equal(waited, undefined, 'GitHub may have counted the first pull request 10 s late');
    await clock.advanceTo(30_070_000); // a minute after its answer
    await second;
    assert.equal(waited, 70_000);
  });
}
