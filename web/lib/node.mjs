// Node entry (ESM). The module is built for browsers and workers; Node hands it the wasm bytes
// directly (Emscripten 3.1.6 would otherwise try to fetch() a file path).
import { readFile } from 'node:fs/promises';
import createHandoffKit from '../../dist/handoffkit.mjs';
import { wrap } from './api.mjs';

export { HandoffKitError } from './api.mjs';

const wasmUrl = new URL('../../dist/handoffkit.wasm', import.meta.url);

/** Instantiates the wasm module. Options are passed to the Emscripten factory (e.g. wasmBinary). */
export async function init(options = {}) {
  const wasmBinary = options.wasmBinary ?? (await readFile(wasmUrl));
  return wrap(await createHandoffKit({ ...options, wasmBinary }));
}
