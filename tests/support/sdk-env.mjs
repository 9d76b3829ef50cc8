// Imported first by the tests that load a bot SDK: the SDKs read credentials, service URLs and
// proxies from the environment (the Agents SDK at module load, case-insensitively), so a
// developer's shell must not switch a test to authenticated or send it through a proxy. And no
// TCP connection may leave loopback: every one to another host is refused and listed in
// `refusedConnections` (a test asserts it stays empty). Preloaded into a child process (node
// --import), it also writes each refusal to stderr as `[refused] host:port`.
import net from 'node:net';

const names = /^(clientid|clientsecret|tenantid|authtype|authority.*|connections__.*|connectionsmap.*|microsoftapp.*|client_id|client_secret|tenant_id|service_url|cloud|port|dangerously_allow_unauthenticated_requests|node_env|https?_proxy|no_proxy|all_proxy|sidecar_url|outboundhostvalidator__.*)$/i;
for (const name of Object.keys(process.env)) if (names.test(name)) delete process.env[name];

export const refusedConnections = [];
const loopback = (host) => host === 'localhost' || host === '::1' || /^127\./.test(host);
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function loopbackOnly(...args) {
  let options = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (typeof options !== 'object' || options === null) options = { port: options, host: typeof args[1] === 'string' ? args[1] : undefined };
  if (typeof options.path !== 'string') {
    const host = options.host ?? 'localhost';
    if (!loopback(host)) {
      refusedConnections.push(`${host}:${options.port}`);
      process.stderr.write(`[refused] ${host}:${options.port}\n`);
      process.nextTick(() => this.destroy(Object.assign(new Error(`refused a connection to ${host}:${options.port}: tests stay on loopback`),
        { code: 'ECONNREFUSED' })));
      return this;
    }
  }
  return connect.apply(this, args);
};
