// Deep links: the handoff link built and validated, beside what a developer would write with
// Node's own URL and URLSearchParams.
const guid = /^28:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const peer = 'Node URL';

export async function operations(hk, workload) {
  const options = { botId: workload.botId, continuation: workload.continuation };
  const link = hk.buildHandoffLink(options);
  return {
    'link.build': {
      wasm: () => hk.buildHandoffLink(options),
      peer: () => {
        const u = new URL('https://teams.microsoft.com/l/chat/0/0');
        u.searchParams.set('users', `28:${workload.botId}`);
        u.searchParams.set('continuation', workload.continuation);
        return u.href;
      },
    },
    'link.validate': {
      wasm: () => hk.validateDeepLink(link).valid,
      peer: () => {
        const u = new URL(link);
        const users = u.searchParams.get('users');
        const token = u.searchParams.get('continuation');
        return u.protocol === 'https:' && u.hostname === 'teams.microsoft.com' && u.pathname === '/l/chat/0/0' &&
          guid.test(users ?? '') && !!token && link.length <= 2048;
      },
    },
  };
}
