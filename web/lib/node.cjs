// Node entry (CommonJS). Loads the ES module entry on first init(); `require('handoffkit')`
// itself stays synchronous and cheap. HandoffKitError is reachable as `hk.HandoffKitError`, and
// every error thrown by handoffkit has `name === 'HandoffKitError'` and a `.code`.
'use strict';

let loaded;

/** @type {import('./handoffkit').init} */
exports.init = async function init(options) {
  loaded ??= import('./node.mjs');
  return (await loaded).init(options);
};
