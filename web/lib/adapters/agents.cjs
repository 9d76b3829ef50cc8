// handoffkit/agents for CommonJS: the ES module loaded on first use (every export is async, in
// both forms, so require('handoffkit/agents') stays synchronous and cheap).
'use strict';

let loaded;
const load = () => (loaded ??= import('./agents.mjs'));

/** @type {import('./agents').addHandoffRoute} */
exports.addHandoffRoute = async (...args) => (await load()).addHandoffRoute(...args);
/** @type {import('./agents').agentsHandoff} */
exports.agentsHandoff = async (...args) => (await load()).agentsHandoff(...args);
