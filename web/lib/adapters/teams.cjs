// handoffkit/teams for CommonJS: the ES module loaded on first use (every export is async, in
// both forms, so require('handoffkit/teams') stays synchronous and cheap).
'use strict';

let loaded;
const load = () => (loaded ??= import('./teams.mjs'));

/** @type {import('./teams').teamsHandoff} */
exports.teamsHandoff = async (...args) => (await load()).teamsHandoff(...args);
