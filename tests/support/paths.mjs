import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const vectorsDir = fileURLToPath(new URL('../vectors/', import.meta.url));
export const artifactsDir = process.env.HANDOFFKIT_ARTIFACTS ?? fileURLToPath(new URL('../../artifacts/', import.meta.url));
