// For the Agents SDK hosts of the production benchmark: every fetch() stays on 127.0.0.1, and
// MSAL's instance discovery reaches the bench's authority.
//
// Agents SDK 1.8.1 builds its MSAL ConfidentialClientApplication itself with only
// { clientId, authority, clientSecret } (msal/msalTokenProvider.js getClientSecretClient) and
// ignores the authProvider argument of `new CloudAdapter` (cloudAdapter.js constructor), so no
// knownAuthorities / cloudDiscoveryMetadata / protocolMode can be passed. For an authority host
// MSAL does not know, it asks https://login.microsoftonline.com/common/discovery/instance first and
// fails (untrusted_authority) without an answer. MSAL's network client here is the SDK's
// MsalHttpClient, which calls the global fetch; so the least invasive way is to send that one
// origin to the loopback authority, which answers discovery with metadata for itself. Everything
// else the SDK configures as a deployment does (clientId + clientSecret + tenantId +
// authorityEndpoint, issuers with validateIssuer). Any other non-loopback fetch is refused.
const microsoft = 'https://login.microsoftonline.com';
const loopback = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function pointMsalAt(authority) {
  const original = globalThis.fetch;
  globalThis.fetch = function loopbackOnly(input, init) {
    const url = new URL(typeof input === 'string' || input instanceof URL ? String(input) : input.url);
    if (loopback.has(url.hostname)) return original(input, init);
    if (url.origin === microsoft) return original(new URL(url.pathname + url.search, authority), init);
    return Promise.reject(new TypeError(`benchmark: refused a connection off loopback (${url.origin})`));
  };
}
