// The performance targets and their PASS/FAIL evaluation over the figures of one run.

/** Limits of the targets; latencies in milliseconds. */
export const LIMITS = Object.freeze({
  hotEventShareOfHealthz: 0.75,
  p99At100Ms: 25,
  p99At1000Ms: 150,
  listingP99Ms: 50,
  dashboardP99Ms: 200,
  growthP99Factor: 3,
});

function check(target, value, limit, pass) {
  return { target, value, limit, pass };
}

/** Returns whether a latency is at most `limit`; null (no request completed) never is. */
function within(latencyMs, limit) {
  return latencyMs !== null && latencyMs !== undefined && latencyMs <= limit;
}

/**
 * Evaluates the targets. `figures` contains:
 * - healthzRps: requests/s of the no-database /healthz baseline on the same data set;
 * - flashCrowd: { registrationsPerSecond, p99Ms, serverErrors, verification } or undefined;
 * - steady: { p99Ms, serverErrors, verification } at the steady connection count, or undefined;
 * - reads: [{ scenario, p99Ms }] of listing and search at the largest data size;
 * - dashboards: [{ scenario, p99Ms }];
 * - growth: [{ scenario, p99At1x, p99At10x }].
 * Returns one row per target that the figures cover, each with pass true or false.
 */
export function evaluateTargets(figures) {
  const rows = [];
  const { flashCrowd, steady } = figures;
  if (flashCrowd) {
    const ratio =
      figures.healthzRps > 0 ? flashCrowd.registrationsPerSecond / figures.healthzRps : 0;
    rows.push(
      check(
        'hot event registrations/s as a share of /healthz requests/s',
        Number(ratio.toFixed(3)),
        `>= ${LIMITS.hotEventShareOfHealthz}`,
        ratio >= LIMITS.hotEventShareOfHealthz,
      ),
    );
    const problems = verificationProblems(flashCrowd.verification);
    rows.push(
      check(
        'hot event: no overbooking, duplicates or counter drift',
        problems.length === 0 ? 'none' : problems.join('; '),
        'none',
        problems.length === 0,
      ),
    );
    rows.push(
      check('hot event: server errors', flashCrowd.serverErrors, 0, flashCrowd.serverErrors === 0),
    );
    rows.push(
      check(
        'hot event p99 ms at the flash crowd',
        flashCrowd.p99Ms,
        `<= ${LIMITS.p99At1000Ms}`,
        within(flashCrowd.p99Ms, LIMITS.p99At1000Ms),
      ),
    );
  }
  if (steady) {
    const problems = verificationProblems(steady.verification);
    rows.push(
      check(
        'steady registrations p99 ms',
        steady.p99Ms,
        `<= ${LIMITS.p99At100Ms}`,
        within(steady.p99Ms, LIMITS.p99At100Ms),
      ),
    );
    rows.push(
      check(
        'steady registrations: server errors and counter drift',
        problems.length === 0 && steady.serverErrors === 0
          ? 'none'
          : [`${steady.serverErrors} server errors`, ...problems].join('; '),
        'none',
        problems.length === 0 && steady.serverErrors === 0,
      ),
    );
  }
  for (const read of figures.reads ?? []) {
    rows.push(
      check(
        `${read.scenario} p99 ms`,
        read.p99Ms,
        `<= ${LIMITS.listingP99Ms}`,
        within(read.p99Ms, LIMITS.listingP99Ms),
      ),
    );
  }
  for (const dashboard of figures.dashboards ?? []) {
    rows.push(
      check(
        `${dashboard.scenario} p99 ms`,
        dashboard.p99Ms,
        `<= ${LIMITS.dashboardP99Ms}`,
        within(dashboard.p99Ms, LIMITS.dashboardP99Ms),
      ),
    );
  }
  for (const growth of figures.growth ?? []) {
    const measured = growth.p99At1x > 0 && growth.p99At10x !== null;
    const factor = measured ? growth.p99At10x / growth.p99At1x : Infinity;
    rows.push(
      check(
        `${growth.scenario}: p99 at 10x data / p99 at 1x`,
        Number(factor.toFixed(2)),
        `<= ${LIMITS.growthP99Factor}`,
        factor <= LIMITS.growthP99Factor,
      ),
    );
  }
  return rows;
}

/**
 * Lists what is wrong with the stored entries of a set of events: more entries than places,
 * one person entered twice, or a counter that differs from the entries.
 */
export function verificationProblems(verification) {
  if (!verification) return ['not verified'];
  const problems = [];
  if (verification.overbooked > 0) problems.push(`${verification.overbooked} events overbooked`);
  if (verification.duplicates > 0) problems.push(`${verification.duplicates} duplicate entries`);
  if (verification.counterMismatches > 0) {
    problems.push(`${verification.counterMismatches} counters differ from the entries`);
  }
  return problems;
}
