// The readiness page as a Teams tab: when Teams frames it, initialize @microsoft/teams-js, follow
// the Teams theme, and open links through the Teams client (a tab cannot navigate its frame to
// another site, and Teams desktop opens links only when asked). Standalone, nothing of this runs
// and teams-js is not even loaded.

// Teams answers the SDK's `initialize` at once; a frame that is not Teams never does, and the SDK
// would wait 60 s. Past this, the page works standalone.
const teamsAnswerMs = 5000;

/** The theme Teams names (default, dark, contrast) on <body data-theme>, where readiness.css reads it. */
function applyTheme(theme) {
  document.body.dataset.theme = ['dark', 'contrast'].includes(theme) ? theme : 'default';
}

function withTimeout(promise, ms) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('no answer')), ms); })])
    .finally(() => clearTimeout(timer));
}

/**
 * Connects to Teams when the page is framed; resolves to {openLink(url)} inside Teams, or null
 * standalone (not framed, or framed by something that does not answer as Teams does).
 */
export async function connectTeams() {
  if (window.parent === window) return null;
  try {
    const { app } = await import('@microsoft/teams-js');
    await withTimeout(app.initialize(), teamsAnswerMs);
    const context = await app.getContext();
    applyTheme(context.app.theme);
    app.registerOnThemeChangeHandler(applyTheme);
    await app.notifySuccess();
    document.body.dataset.host = 'teams';
    return { openLink: (url) => app.openLink(url) };
  } catch {
    return null;
  }
}

/** Inside Teams, links that leave the page open through the Teams client; standalone, as links do. */
export function routeLinks(teams) {
  document.addEventListener('click', (event) => {
    const link = event.target.closest?.('a[href]');
    if (!teams || !link || new URL(link.href).origin === location.origin) return;
    event.preventDefault();
    teams.openLink(link.href).catch(() => {});
  });
}
