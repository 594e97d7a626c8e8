// Server processes of the benchmark and the round-robin proxy in front of several of them.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Starts the production build on `port` against `databaseUrl` and waits for /readyz. The SMS
 * gateway URL points at a closed local port and the outbox is polled every 300 s (the
 * maximum), so confirmation SMS are queued but the run does not measure sending them.
 */
export async function startServer({ port, databaseUrl, dataKey, redisUrl }) {
  const dataDir = mkdtempSync(join(tmpdir(), 'cityleague-bench-'));
  // SERVER_NODE_ARGS passes Node options to the servers only, such as `--cpu-prof`, which
  // NODE_OPTIONS does not accept.
  const nodeArgs = (process.env.SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, join(root, 'server', 'dist', 'server.js')], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      DATA_KEY: dataKey,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'false',
      SMS_PROVIDER: 'http',
      SMS_HTTP_URL: 'https://127.0.0.1:9/sms',
      SMS_HTTP_TOKEN: 'bench',
      OUTBOX_POLL_SECONDS: '300',
      ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // A server closes only when its queued requests are done, which after a flash crowd can take
  // minutes, so it is killed 20 s after SIGTERM. Open transactions then roll back.
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(kill);
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return { port, stop };
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  await stop();
  throw new Error(`The server on port ${port} did not become ready within 180 s`);
}

/**
 * Starts an HTTP proxy on `port` that sends each request to the next of `upstreamPorts` in
 * turn over kept-alive connections. A request whose upstream fails gets 502, which the
 * scenarios count as a server error. Returns a function that closes the proxy.
 */
export async function startRoundRobinProxy(port, upstreamPorts) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  let next = 0;
  // Failed requests by upstream and error; the first of each is logged, the rest counted.
  const failures = new Map();
  const server = http.createServer((request, response) => {
    const upstreamPort = upstreamPorts[next];
    next = (next + 1) % upstreamPorts.length;
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port: upstreamPort,
        method: request.method,
        path: request.url,
        headers: request.headers,
        agent,
      },
      (upstreamResponse) => {
        response.writeHead(upstreamResponse.statusCode, upstreamResponse.headers);
        upstreamResponse.pipe(response);
      },
    );
    upstream.once('error', (error) => {
      const key = `port ${upstreamPort}: ${error.message}`;
      const count = (failures.get(key) ?? 0) + 1;
      failures.set(key, count);
      if (count === 1) console.error(`Proxy request failed, returned 502 (${key})`);
      if (!response.headersSent) response.writeHead(502);
      response.end();
    });
    request.pipe(upstream);
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return async () => {
    for (const [key, count] of failures) {
      console.error(`Proxy requests failed and returned 502: ${count} (${key})`);
    }
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    agent.destroy();
  };
}
