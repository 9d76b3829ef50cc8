// Eligibility: one evaluation of a whole organization (workload "eligibilityOrganization"), and
// one with its fix plan, as the native bench does them. No JS peer exists that encodes the same rules.
import { readFileSync } from 'node:fs';

export const peer = '—';

export function organization(spec) {
  const env = JSON.parse(readFileSync(new URL(`../../../${spec.environment}`, import.meta.url), 'utf8'));
  const templates = env.representatives;
  env.representatives = Array.from({ length: spec.representatives }, (_, i) => ({ ...templates[i % templates.length], id: `rep-${i}` }));
  return JSON.stringify(env);
}

export async function operations(hk, workload) {
  const env = organization(workload.eligibilityOrganization);
  return {
    'eligibility.10k': { wasm: () => hk.evaluateEligibility(env) },
    'eligibility.plan.10k': { wasm: () => hk.evaluateEligibility(env, { plan: true }) },
  };
}
