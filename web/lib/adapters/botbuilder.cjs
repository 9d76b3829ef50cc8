// handoffkit/botbuilder for CommonJS: the ES module loaded on first use (every export is async, in
// both forms, so require('handoffkit/botbuilder') stays synchronous and cheap).
'use strict';

let loaded;
const load = () => (loaded ??= import('./botbuilder.mjs'));

/** @type {import('./botbuilder').botbuilderHandoff} */
exports.botbuilderHandoff = async (...args) => (await load()).botbuilderHandoff(...args);
