// The host benchmark in the setup a deployment runs (issue 17), part of the host suite
// (suites/host.mjs calls productionRows):
//
// - Inbound Bot Framework authentication ON on both sides. bot-framework.mjs plays the Bot
//   Framework on 127.0.0.1: an authority with an OpenID configuration and a JWKS holding this
//   file's RS256 key, a client-credentials token endpoint, and a connector that counts follow-ups.
//   Every request wrk sends carries its own RS256 JWT (minted before the runs, one per request:
//   iss = the authority's tenant issuer, aud = the bot, serviceurl = the activity's, a distinct
//   jti) and its own continuation token. The Agents SDK pins Microsoft's JWKS to the Bot Framework
//   issuer (https://api.botframework.com), so both hosts take a custom issuer: `handoffkit serve
//   --openid-config <authority>/openid --issuer ISSUER`, and the SDK's CloudAdapter
//   { clientId, clientSecret, tenantId, authorityEndpoint: <authority>, issuers: [ISSUER],
//   validateIssuer: true } (its JWKS at <authority>/<tenant>/discovery/v2.0/keys). MSAL refuses an
//   http authority, so the SDK's is https (a throwaway self-signed certificate made with openssl,
//   trusted through NODE_EXTRA_CA_CERTS); the native host reads the same documents over http on
//   127.0.0.1. The only thing not as deployed: MSAL's instance discovery, answered on loopback
//   (loopback-authority.mjs says why there is no knob for it).
// - Follow-ups ON on both: after each redemption's 200 each host posts continuing, typing and
//   result to the activity's serviceUrl, the connector, with the bot's bearer token from the token
//   endpoint (native: --app-password-file, --oauth-token-url, --allow-service-url-host 127.0.0.1;
//   the SDK: MSAL client credentials, continueConversation). The connector's count is reported
//   beside 3x the 200s wrk saw, read once it has settled: it is measured, not assumed (wrk does not
//   count requests still in flight when it stops, so a few more are normal).
// - handoffkit in forward mode: --forward to app.mjs (a trivial Node app), so each redemption is
//   also delivered to the app's /api/handoffs (signed webhook, through the store's outbox); the
//   app's count of distinct handoffs is reported beside the 200s. The SDK host is the bot itself.
// - A message (not a handoff) through the host (inbound JWT checked, forwarded, the app's answer
//   relayed) against the same message straight to the app, at a light load (HK_FORWARD_CONNECTIONS),
//   p50 and p99 of both and the difference: what putting the host in front of an app costs.
//
// Probes first, on every host: no Authorization, a bearer of another key, a bearer for another
// bot: 401; then the handoff answers as in the plain scenario. Hosts run one after another,
// `rounds` times interleaved, a fresh store each run; figures are medians. wrk, the hosts, the
// connector and the app share this machine's cores.
import { execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claims, cli, freePort, freshStore, here, issuer as tokenIssuer, median, missingTools, msText, rateText,
  signer, sleep, startHelper, stop, waitForHealth, wrk } from './support.mjs';

const seconds = Number(process.env.HK_HOST_SECONDS ?? 5);
const rounds = Number(process.env.HK_HOST_ROUNDS ?? 3);
const connections = Number(process.env.HK_HOST_CONNECTIONS ?? 32);
const forwardConnections = Number(process.env.HK_FORWARD_CONNECTIONS ?? 4);
// Requests one run may send, each with its own inbound JWT and continuation token. RS256 signing is
// the slow part of the set-up (about 2-4 k/s on this machine); a host faster than this runs out and
// replays (409, counted as non-2xx).
const requestCount = Number(process.env.HK_PROD_REQUESTS ?? seconds * 24_000);
const wrkThreads = 2;
const tenant = 'bench-tenant';
const followupsPerHandoff = 3; // continuing, typing, result

const scenarios = [
  { op: 'host.prod.memory', kind: 'memory', peerName: 'Agents SDK host (Map)' },
  { op: 'host.prod.redis', kind: 'redis', peerName: 'Agents SDK host (ioredis)' },
];
const forwardOp = 'host.prod.forward';

// ---- the Bot Framework's key, its tokens, the TLS certificate of the authority ----

function rsaKey() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid: 'bench-bf-1' } };
}

const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');

// RS256 JWTs signed on libuv's thread pool (both cores), in batches.
async function mintBearers(count, privateKey, kid, payload) {
  const head = b64({ alg: 'RS256', typ: 'JWT', kid });
  const out = new Array(count);
  const batch = 512;
  for (let start = 0; start < count; start += batch) {
    const jobs = [];
    for (let i = start; i < Math.min(count, start + batch); i++) {
      const input = `${head}.${b64(payload(i))}`;
      jobs.push(new Promise((resolve, reject) => sign('sha256', Buffer.from(input), privateKey, (e, s) => {
        if (e) return reject(e);
        out[i] = `${input}.${s.toString('base64url')}`;
        resolve();
      })));
    }
    await Promise.all(jobs);
  }
  return out;
}

function selfSignedCertificate(dir) {
  const cert = join(dir, 'authority.pem');
  const key = join(dir, 'authority.key');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-addext', 'basicConstraints=critical,CA:TRUE'],
  { stdio: 'ignore' });
  return { cert, key };
}

// ---- the hosts ----

function nativeHost(port, store, env) {
  const log = openSync(join(env.dir, `native-${port}.log`), 'w');
  const child = spawn(cli, ['serve', '--listen', `127.0.0.1:${port}`, '--keys', env.keysFile, '--store', store,
    '--app-id', env.bot, '--threads', '2',
    '--openid-config', `http://127.0.0.1:${env.bf.http}/openid`, '--issuer', env.bf.issuer,
    '--app-password-file', env.passwordFile, '--oauth-token-url', `http://127.0.0.1:${env.bf.http}/token`,
    '--allow-service-url-host', '127.0.0.1',
    '--forward', `http://127.0.0.1:${env.app.port}/api/messages`, '--on-redeemed-key-file', env.deliveryKeyFile],
  { stdio: ['ignore', 'ignore', log], env: { PATH: process.env.PATH } });
  child.once('exit', () => closeSync(log));
  return child;
}

function peerHost(port, store, env) {
  // HK_PEER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=DIR", to see where the SDK host's time goes
  // (Node refuses --cpu-prof in NODE_OPTIONS).
  const nodeArgs = (process.env.HK_PEER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  return spawn(process.execPath, [...nodeArgs, here('peer-host.mjs'), String(port), env.keysFile, env.bot, tokenIssuer, store,
    env.peerConfig], { stdio: ['ignore', 'ignore', 'inherit'], env: { PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: env.cert } });
}

const hosts = { native: nativeHost, peer: peerHost };

// ---- probes, counts ----

async function post(port, body, authorization) {
  const headers = { 'content-type': 'application/json' };
  if (authorization) headers.authorization = authorization;
  const r = await fetch(`http://127.0.0.1:${port}/api/messages`, { method: 'POST', headers, body });
  return { status: r.status, text: await r.text() };
}

async function checkAnswers(port, probes, who) {
  for (const { name, body, authorization, status } of probes) {
    const r = await post(port, body, authorization);
    if (r.status !== status || (status === 200 && r.text !== ''))
      throw new Error(`host bench (production): ${who} answered ${name} with ${r.status} ${r.text.slice(0, 120)}; expected ${status}`);
  }
}

const counts = async (port) => (await fetch(`http://127.0.0.1:${port}/counts`)).json();

// Waits until `read()` reaches `expected` or stops moving for 3 s (bounded at 60 s); the last value.
async function settle(read, expected) {
  let last = await read();
  let still = Date.now();
  const until = Date.now() + 60_000;
  while (last < expected && Date.now() < until && Date.now() - still < 3000) {
    await sleep(200);
    const now = await read();
    if (now !== last) still = Date.now();
    last = now;
  }
  return last;
}

// The native host's own account of its follow-ups and deliveries (/metrics), for the notes.
async function nativeOutcomes(port) {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const pick = (metric) => Object.fromEntries([...text.matchAll(new RegExp(`^${metric}\\{outcome="([^"]+)"\\} (\\d+)`, 'gm'))]
    .map((m) => [m[1], Number(m[2])]));
  return { outbound: pick('handoffkit_outbound_activities_total'), deliveries: pick('handoffkit_handoff_deliveries_total') };
}

// ---- the scenario ----

async function setUp(dir, helpers) {
  const seed = JSON.parse(readFileSync(here('../../vectors/invoke.json'), 'utf8')).seedActivity;
  const bot = seed.recipient.id.slice(3);
  const user = seed.from.aadObjectId;
  const bfKey = rsaKey();
  const { cert, key } = selfSignedCertificate(dir);
  const secret = randomBytes(24).toString('base64url');
  const bfConfig = join(dir, 'bot-framework.json');
  writeFileSync(bfConfig, JSON.stringify({ jwk: bfKey.jwk, tenant, secret, cert, key }));
  const bf = await startHelper('bot-framework.mjs', [bfConfig]);
  helpers.push(bf.child);
  const deliveryKeyFile = join(dir, 'delivery.key');
  writeFileSync(deliveryKeyFile, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
  const app = await startHelper('app.mjs', [deliveryKeyFile]);
  helpers.push(app.child);
  const passwordFile = join(dir, 'app-password');
  writeFileSync(passwordFile, `${secret}\n`, { mode: 0o600 });
  const peerConfig = join(dir, 'peer.json');
  writeFileSync(peerConfig, JSON.stringify({ authority: `https://127.0.0.1:${bf.https}`, tenant, issuer: bf.issuer, clientSecret: secret }));

  const serviceUrl = `http://127.0.0.1:${bf.http}/amer/`;
  const activity = { ...seed, serviceUrl };
  const hsKey = { kty: 'oct', kid: 'bench', k: Buffer.alloc(32, 7).toString('base64url') };
  const keysFile = join(dir, 'keys.json');
  writeFileSync(keysFile, JSON.stringify({ keys: [hsKey] }));
  const now = Math.floor(Date.now() / 1000);
  const sign = signer(hsKey, now);

  const started = Date.now();
  const inbound = (i, patch = {}) => ({ iss: bf.issuer, aud: bot, iat: now, nbf: now - 10, exp: now + 3600, serviceurl: serviceUrl,
    jti: `bench-${i}-${randomBytes(6).toString('base64url')}`, ...patch });
  const bearers = await mintBearers(requestCount, bfKey.privateKey, bfKey.jwk.kid, (i) => inbound(i));
  const mintedIn = (Date.now() - started) / 1000;
  const tokens = join(dir, 'tokens.txt');
  const lines = [];
  for (let i = 0; i < requestCount; i++) lines.push(sign(claims(`28:${bot}`, user, now + 3600)));
  writeFileSync(tokens, lines.join('\n') + '\n');
  const auth = join(dir, 'bearers.txt');
  writeFileSync(auth, bearers.join('\n') + '\n');
  const handoffBody = join(dir, 'handoff.json');
  // Each handoff in a conversation of its own, as each user's is: the native sender keeps one
  // conversation's follow-ups in order on one connection, so one conversation for all would
  // measure a single connection (and its 10,000-job queue overflowing), not the host.
  writeFileSync(handoffBody, JSON.stringify({ ...activity, conversation: { ...activity.conversation,
    id: `${activity.conversation.id}-@@N@@` }, value: { continuation: '@@TOKEN@@' } }));
  const messageBody = join(dir, 'message.json');
  const { name, value, ...message } = activity;
  writeFileSync(messageBody, JSON.stringify({ ...message, type: 'message', text: 'hello' }));

  // Probes: bearers minted apart from the pool (the pool's are for the runs).
  const [good, ...bad] = await mintBearers(12, bfKey.privateKey, bfKey.jwk.kid, (i) => inbound(`probe-${i}`));
  const otherKey = rsaKey();
  const [forgery] = await mintBearers(1, otherKey.privateKey, bfKey.jwk.kid, (i) => inbound(`forged-${i}`));
  const [otherBot] = await mintBearers(1, bfKey.privateKey, bfKey.jwk.kid,
    (i) => inbound(`other-bot-${i}`, { aud: '11111111-1111-1111-1111-111111111111' }));
  const bearer = (t) => `Bearer ${t}`;
  const handoff = (token, patch = {}) => JSON.stringify({ ...activity, ...patch, value: { continuation: token } });
  const once = sign(claims(`28:${bot}`, user, now + 3600));
  const probes = (side) => [
    { name: 'a handoff without Authorization', body: handoff(sign(claims(`28:${bot}`, user, now + 3600))), status: 401 },
    { name: 'a handoff with a bearer of another key', body: handoff(sign(claims(`28:${bot}`, user, now + 3600))),
      authorization: bearer(forgery), status: 401 },
    { name: 'a handoff with a bearer for another bot', body: handoff(sign(claims(`28:${bot}`, user, now + 3600))),
      authorization: bearer(otherBot), status: 401 },
    { name: 'a valid token', body: handoff(once), authorization: bearer(good), status: 200 },
    { name: 'the same token again', body: handoff(once, { id: 'f:another-activity' }), authorization: bearer(bad[0]), status: 409 },
    { name: 'a token of another key', body: handoff(signer({ ...hsKey, k: Buffer.alloc(32, 8).toString('base64url') }, now)(
      claims(`28:${bot}`, user, now + 3600))), authorization: bearer(bad[1]), status: 401 },
    { name: 'a token of another user', body: handoff(sign(claims(`28:${bot}`, user, now + 3600)),
      { from: { ...activity.from, aadObjectId: '22222222-2222-2222-2222-222222222222' } }), authorization: bearer(bad[2]), status: 403 },
    { name: 'an expired token', body: handoff(signer(hsKey, now - 600)(claims(`28:${bot}`, user, now - 60))),
      authorization: bearer(bad[3]), status: 410 },
    // In forward mode every other activity is the app's: it answers 200; the SDK host has no route: 501.
    { name: 'another invoke', body: handoff(once, { name: 'composeExtension/query' }), authorization: bearer(bad[4]),
      status: side === 'native' ? 200 : 501 },
    { name: 'a message activity', body: readFileSync(messageBody, 'utf8'), authorization: bearer(bad[5]), status: 200 },
  ];
  return { dir, bot, bf, app, keysFile, passwordFile, deliveryKeyFile, peerConfig, cert, tokens, auth, handoffBody,
    messageBody, probes, mintedIn, probeHandoffs: 1 };
}

// One host, one run: probes, wrk, then the counts once the follow-ups (and deliveries) settled.
async function redemptionRun(env, side, kind, run) {
  const store = await freshStore(kind, env.dir, run);
  const port = await freePort();
  const child = hosts[side](port, store.spec, env);
  try {
    await waitForHealth(port, child, 30_000);
    await fetch(`http://127.0.0.1:${env.app.port}/runs`, { method: 'POST' });
    await checkAnswers(port, env.probes(side), `${side} (${kind})`);
    const start = await counts(env.bf.http);
    const bf0 = start.activities;
    // The probe's redemption has its follow-ups (and delivery) too: wait for them before wrk.
    await settle(async () => (await counts(env.bf.http)).activities, bf0 + followupsPerHandoff * env.probeHandoffs);
    const app0 = await counts(env.app.port);
    const before = { bf: (await counts(env.bf.http)).activities, app: app0.handoffs, deliveries: app0.deliveries };
    const r = wrk(port, { HK_TOKENS: env.tokens, HK_AUTH: env.auth, HK_BODY: env.handoffBody },
      { threads: wrkThreads, connections, seconds });
    const expected = followupsPerHandoff * r.ok;
    const followups = (await settle(async () => (await counts(env.bf.http)).activities, before.bf + expected)) - before.bf;
    const handoffs = side === 'native'
      ? (await settle(async () => (await counts(env.app.port)).handoffs, before.app + r.ok)) - before.app : undefined;
    const deliveries = side === 'native' ? (await counts(env.app.port)).deliveries - before.deliveries : undefined;
    const outcomes = side === 'native' ? await nativeOutcomes(port) : undefined;
    const end = await counts(env.bf.http);
    // What the host asked the authority for while measured (the probes fetched the keys and the
    // outbound token): both cache them, so this stays 0 unless a cache misses.
    const authority = { documents: end.documents - start.documents, tokens: end.tokens - start.tokens };
    // Each thread of wrk takes every other line: past the pool it replays (the same activity id
    // again is Teams retrying: 200, without follow-ups), so such a run is flagged.
    const exhausted = r.ok + r.non2xx > requestCount;
    return { ...r, followups, handoffs, deliveries, outcomes, authority, exhausted };
  } catch (e) {
    if (side === 'native') {
      try { e.message += `\nnative host log:\n${readFileSync(join(env.dir, `native-${port}.log`), 'utf8').slice(-2000)}`; } catch {}
    }
    throw e;
  } finally {
    await stop(child);
    await store.dispose();
  }
}

// A message through the host (memory store) and straight to the app, alternating.
async function forwardRuns(env, run) {
  const through = [];
  const direct = [];
  const load = { HK_AUTH: env.auth, HK_BODY: env.messageBody };
  const options = { threads: 1, connections: forwardConnections, seconds };
  for (let round = 0; round < rounds; round++) {
    direct.push(wrk(env.app.port, load, options));
    const port = await freePort();
    const child = nativeHost(port, 'memory:', env);
    try {
      await waitForHealth(port, child, 30_000);
      await checkAnswers(port, env.probes('native').filter((p) => p.name.startsWith('a handoff with') ||
        p.name === 'a message activity'), 'native (forward)');
      through.push(wrk(port, load, options));
    } finally {
      await stop(child);
    }
  }
  return { through, direct };
}

const summary = (list) => ({ rate: median(list.map((r) => r.rate)), p50: median(list.map((r) => r.p50)),
  p99: median(list.map((r) => r.p99)), non2xx: list.reduce((a, r) => a + r.non2xx, 0),
  socketErrors: list.map((r) => r.socketErrors).filter(Boolean) });
const cell = (m) => `${rateText(m.rate)}, p50 ${msText(m.p50)}, p99 ${msText(m.p99)}`;
// "3x the 200s": what the connector (or the app) counted against what was due, per run.
const dueText = (list, field, per) => list.map((r) => `${r[field]}/${per * r.ok}`).join(', ');

// Follow-ups the connector counted against 3x the 200s, over all runs of a side: a host that
// answers fast by dropping the follow-ups it cannot send would look fast while doing less.
const followupsText = (list) => `follow-ups ${list.reduce((a, r) => a + r.followups, 0)}/` +
  `${list.reduce((a, r) => a + followupsPerHandoff * r.ok, 0)}`;
const allArrived = (list) => list.every((r) => r.followups >= followupsPerHandoff * r.ok);

function redemptionRow(s, native, peer) {
  const n = summary(native);
  const p = summary(peer);
  const ratio = n.rate / p.rate;
  const met = ratio >= 5 && n.p99 < p.p99 && allArrived(native);
  const outcomes = (m) => Object.entries(m).map(([k, v]) => `${k} ${v}`).join(' ') || 'none';
  const dropped = native.map((r) => `[${outcomes(r.outcomes.outbound)}]`);
  const delivered = native.map((r) => `[${outcomes(r.outcomes.deliveries)}]`);
  let note = `${s.op}: target (at least 5x the ${s.peerName}'s redemptions/s, lower p99, every follow-up arrived) ` +
    `${met ? 'met' : 'NOT met'}: ` +
    `${ratio.toFixed(2)}x, p99 ${msText(n.p99)} against ${msText(p.p99)}; p50 native ${msText(n.p50)}, peer ${msText(p.p50)}; ` +
    `non-2xx native ${n.non2xx}, peer ${p.non2xx}; follow-ups the connector counted / 3x the 200s wrk saw, per run: ` +
    `native ${dueText(native, 'followups', followupsPerHandoff)} (the host's own /metrics, follow-ups by outcome: ${dropped.join(', ')}), ` +
    `peer ${dueText(peer, 'followups', followupsPerHandoff)}; distinct handoffs the app received / 200s: ${dueText(native, 'handoffs', 1)}, deliveries ` +
    `${native.map((r) => r.deliveries).join(', ')} ` +
    `(the host's deliveries by outcome: ${delivered.join(', ')})`;
  const asked = (list) => list.map((r) => `${r.authority.documents}+${r.authority.tokens}`).join(', ');
  note += `; documents+tokens the authority served during a run: native ${asked(native)}, peer ${asked(peer)}`;
  const exhausted = [...native, ...peer].filter((r) => r.exhausted).length;
  if (exhausted) note += `; ${exhausted} run(s) sent more requests than the ${requestCount} prepared (replays: raise HK_PROD_REQUESTS)`;
  const errors = [...n.socketErrors, ...p.socketErrors];
  if (errors.length) note += `; wrk ${errors.join('; ')}`;
  return { op: s.op, cells: [`${cell(n)}, ${followupsText(native)}`, '—', `${cell(p)}, ${followupsText(peer)}`, s.peerName,
    `${ratio.toFixed(2)}x`, '—'], note, met, ratio, native: n, peer: p };
}

function forwardRow({ through, direct }) {
  const t = summary(through);
  const d = summary(direct);
  const note = `${forwardOp}: a message through handoffkit serve --forward (inbound JWT checked, forwarded, the answer relayed) ` +
    `against the same message straight to the app, wrk -t1 -c${forwardConnections}: p50 ${msText(t.p50)} against ${msText(d.p50)} ` +
    `(+${msText(t.p50 - d.p50)}), p99 ${msText(t.p99)} against ${msText(d.p99)} (+${msText(t.p99 - d.p99)}); ` +
    `non-2xx through ${t.non2xx}, direct ${d.non2xx}`;
  return { op: forwardOp, cells: [cell(t), '—', cell(d), 'the app, direct', `${(t.rate / d.rate).toFixed(2)}x`, '—'], note,
    through: t, direct: d };
}

export async function productionRows(only) {
  const wanted = scenarios.filter((s) => s.op.startsWith(only) || only.startsWith(s.op));
  const forward = forwardOp.startsWith(only) || only.startsWith(forwardOp);
  if (!wanted.length && !forward) return [];
  const missing = missingTools(['openssl']);
  if (missing.length)
    return [{ op: 'host.prod', cells: ['—', '—', '—', '—', '—', '—'], note: `host.prod: not measured, missing ${missing.join(', ')}` }];
  const dir = mkdtempSync(join(tmpdir(), 'handoffkit-prod-bench-'));
  const helpers = [];
  try {
    const env = await setUp(dir, helpers);
    const results = new Map(wanted.map((s) => [s.op, { native: [], peer: [] }]));
    let run = 0;
    for (let round = 0; round < rounds; round++)
      for (const s of wanted)
        for (const side of ['peer', 'native']) results.get(s.op)[side].push(await redemptionRun(env, side, s.kind, run++));
    const out = [{ note: `host.prod: wrk -t${wrkThreads} -c${connections}, ${rounds} round(s) of ${seconds} s per host, interleaved, ` +
      `medians; inbound RS256 JWTs ON on both (one per request, ${requestCount} minted in ${env.mintedIn.toFixed(0)} s), ` +
      'follow-ups ON on both to a loopback connector, handoffkit serve --threads 2 --forward to a trivial app (deliveries ON); ' +
      'the Agents SDK host one Node process; wrk, hosts, connector and app share the cores' }];
    for (const s of wanted) out.push(redemptionRow(s, results.get(s.op).native, results.get(s.op).peer));
    if (forward) out.push(forwardRow(await forwardRuns(env, run)));
    return out;
  } finally {
    for (const child of helpers) await stop(child);
    // HK_PROD_KEEP_DIR=1 keeps the hosts' logs and the request files, to look into a run.
    if (process.env.HK_PROD_KEEP_DIR) console.error(`host.prod: kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}
