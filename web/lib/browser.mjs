// Browser and bundler entry. The literal `new URL('…wasm', import.meta.url)` lets bundlers such as
// Vite find the wasm file and emit it as an asset; plain pages fetch it next to this file's package.
import createHandoffKit from '../../dist/handoffkit.mjs';
import { wrap } from './api.mjs';

export { HandoffKitError } from './api.mjs';

const wasmUrl = new URL('../../dist/handoffkit.wasm', import.meta.url).href;

/** Instantiates the wasm module. Options are passed to the Emscripten factory (e.g. locateFile). */
export async function init(options = {}) {
  return wrap(await createHandoffKit({ locateFile: () => wasmUrl, ...options }));
}
