// A redis-server of the test's own on 127.0.0.1 (Debian's redis-server; scripts/deps.sh installs
// it): started on a free port, killed and restarted on the same port, always stopped.
import { spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// Redis answers PING with +PONG once it accepts commands.
async function waitForPong(port, ms = 10000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const pong = await new Promise((resolve) => {
      const s = connect(port, '127.0.0.1', () => s.write('PING\r\n'));
      s.setTimeout(500, () => s.destroy());
      s.on('data', (d) => {
        s.destroy();
        resolve(d.toString().startsWith('+PONG'));
      });
      s.on('error', () => resolve(false));
      s.on('close', () => resolve(false));
    });
    if (pong) return;
    await sleep(50);
  }
  throw new Error(`redis-server on port ${port} did not answer PING`);
}

function ended(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', resolve);
  });
}

/** Starts redis-server (no persistence unless `args` say so). */
export async function startRedis(args = []) {
  const port = await freePort();
  let child;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args],
      { stdio: 'ignore' });
    await waitForPong(port);
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    /** SIGKILL: Redis is gone at once, mid-command. */
    async kill() {
      child.kill('SIGKILL');
      await ended(child);
    },
    restart: start,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.kill('SIGTERM');
        await ended(child);
        clearTimeout(timer);
      }
    },
  };
}
