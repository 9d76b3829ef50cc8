// The JS contract of handoffkit, shared by every entry point (Node ESM/CJS, browsers, bundlers).
// The wasm module speaks JSON envelopes; this file turns them into plain values or a thrown
// HandoffKitError with a stable `.code`, the same codes the C++ API and the CLI use.

/** Every failure handoffkit reports, with a stable UPPER_SNAKE `code`. */
export class HandoffKitError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'HandoffKitError';
    this.code = code;
  }
}

function argumentError(message) {
  return new HandoffKitError('INVALID_ARGUMENT', message);
}

// JSON text for the core; what JSON cannot carry (BigInt, cycles) is an argument error, not a TypeError.
function toJson(value, what) {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'object' || Array.isArray(value)) throw argumentError(`${what} must be an object`);
  try {
    return JSON.stringify(value);
  } catch (e) {
    throw argumentError(`${what} cannot be serialized to JSON: ${e.message}`);
  }
}

function requireString(value, what) {
  if (typeof value !== 'string') throw argumentError(`${what} must be a string`);
  return value;
}

function unwrap(envelope) {
  const parsed = JSON.parse(envelope);
  if (parsed.ok) return parsed.value;
  throw new HandoffKitError(parsed.error.code, parsed.error.message);
}

/** Wraps an instantiated wasm module into the public API object. */
export function wrap(module) {
  return Object.freeze({
    HandoffKitError,
    buildHandoffLink: (options) => unwrap(module.buildHandoffLink(toJson(options, 'options'))),
    buildDeepLink: (options) => unwrap(module.buildDeepLink(toJson(options, 'options'))),
    validateDeepLink: (url, options) =>
      unwrap(module.validateDeepLink(requireString(url, 'url'), toJson(options, 'options'))),
  });
}
