import type { FastifyBaseLogger } from 'fastify';

/** A background job started by `startPeriodicJob`. */
export interface PeriodicJob {
  /** Starts a round now unless one is running. */
  wake(): void;
  /** Stops the timer; a round that is running finishes. */
  stop(): void;
}

/**
 * Runs `round` every `intervalMs`, and once right after the start when `runAtStart` is set. A
 * round starts only when the previous one has settled, so a slow round never overlaps itself
 * in one process. A failed round is logged with `failureMessage` and the next one runs on
 * schedule. The timers do not keep the process alive.
 */
export function startPeriodicJob(job: {
  intervalMs: number;
  log: FastifyBaseLogger;
  failureMessage: string;
  runAtStart?: boolean;
  round: () => Promise<unknown>;
}): PeriodicJob {
  let running = false;
  const wake = () => {
    if (running) return;
    running = true;
    job
      .round()
      .catch((error: unknown) => job.log.error({ err: error }, job.failureMessage))
      .finally(() => {
        running = false;
      });
  };
  const first = job.runAtStart ? setTimeout(wake, 0) : undefined;
  first?.unref();
  const timer = setInterval(wake, job.intervalMs);
  timer.unref();
  return {
    wake,
    stop: () => {
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}
