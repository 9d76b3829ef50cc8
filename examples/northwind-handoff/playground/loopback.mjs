// Preload (node --import) for the Agents Playground, which listens on every interface and has no
// option against it: every net.Server#listen without a host, or with a wildcard one, gets
// 127.0.0.1 instead, so the emulator is reachable from this machine only.
import net from 'node:net';

const wildcard = new Set([undefined, null, '', '0.0.0.0', '::', '[::]']);
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function onLoopback(...args) {
  const [first] = args;
  if (typeof first === 'object' && first !== null && !Array.isArray(first)) {
    if (first.path === undefined && first.handle === undefined && first.fd === undefined && wildcard.has(first.host))
      args[0] = { ...first, host: '127.0.0.1' };
  } else if (first === undefined || typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    // listen(port[, host][, backlog][, callback])
    if (typeof args[1] === 'string') {
      if (wildcard.has(args[1])) args[1] = '127.0.0.1';
    } else {
      args.splice(1, 0, '127.0.0.1');
    }
  }
  return listen.apply(this, args);
};
