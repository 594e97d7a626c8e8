import type { FastifyBaseLogger } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { startPeriodicJob } from './periodic-job.js';

function recordingLog() {
  const errors: { record: unknown; message: string }[] = [];
  const log = {
    error: (record: unknown, message: string) => errors.push({ record, message }),
  } as unknown as FastifyBaseLogger;
  return { log, errors };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('startPeriodicJob', () => {
  it('runs a round each interval', async () => {
    vi.useFakeTimers();
    const { log } = recordingLog();
    let rounds = 0;
    const job = startPeriodicJob({
      intervalMs: 1000,
      log,
      failureMessage: 'round failed',
      round: async () => {
        rounds += 1;
      },
    });

    await vi.advanceTimersByTimeAsync(999);
    expect(rounds).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(rounds).toBe(1);
    await vi.advanceTimersByTimeAsync(3000);
    expect(rounds).toBe(4);

    job.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(rounds).toBe(4);
  });

  it('runs at start when asked', async () => {
    vi.useFakeTimers();
    const { log } = recordingLog();
    let rounds = 0;
    const job = startPeriodicJob({
      intervalMs: 1000,
      log,
      failureMessage: 'round failed',
      runAtStart: true,
      round: async () => {
        rounds += 1;
      },
    });

    await vi.advanceTimersByTimeAsync(0);
    expect(rounds).toBe(1);
    job.stop();
  });

  it('never overlaps a slow round', async () => {
    vi.useFakeTimers();
    const { log } = recordingLog();
    let running = 0;
    let maxRunning = 0;
    let rounds = 0;
    const job = startPeriodicJob({
      intervalMs: 100,
      log,
      failureMessage: 'round failed',
      round: async () => {
        running += 1;
        rounds += 1;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((done) => setTimeout(done, 350));
        running -= 1;
      },
    });

    await vi.advanceTimersByTimeAsync(1000);
    job.wake();
    await vi.advanceTimersByTimeAsync(0);

    expect(maxRunning).toBe(1);
    // Rounds start at 100, 500 and 900 ms: the ticks in between find one running.
    expect(rounds).toBe(3);
    job.stop();
  });

  it('logs a failed round and keeps going', async () => {
    vi.useFakeTimers();
    const { log, errors } = recordingLog();
    let rounds = 0;
    const job = startPeriodicJob({
      intervalMs: 1000,
      log,
      failureMessage: 'round failed',
      round: async () => {
        rounds += 1;
        if (rounds === 1) throw new Error('database unavailable');
      },
    });

    await vi.advanceTimersByTimeAsync(2000);

    expect(rounds).toBe(2);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toBe('round failed');
    expect((errors[0]!.record as { err: Error }).err.message).toBe('database unavailable');
    job.stop();
  });

  it('wakes a round between intervals', async () => {
    vi.useFakeTimers();
    const { log } = recordingLog();
    let rounds = 0;
    const job = startPeriodicJob({
      intervalMs: 60_000,
      log,
      failureMessage: 'round failed',
      round: async () => {
        rounds += 1;
      },
    });

    job.wake();
    await vi.advanceTimersByTimeAsync(0);

    expect(rounds).toBe(1);
    job.stop();
  });
});
