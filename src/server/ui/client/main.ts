/**
 * The web UI's client: a session (an API token in sessionStorage), the main navigation, and the
 * pages, chosen by the route in the address's fragment. It talks only to /api/v1; it runs under
 * the server's strict Content-Security-Policy (no inline script or style, no eval).
 */
import { escapeHtml, tag } from '../../../report/html/markup.js';
import { ApiClient } from './api-client.js';
import type { PageContext } from './page-context.js';
import { showDashboard } from './pages/dashboard.js';
import { showExceptions } from './pages/exceptions.js';
import { showImage, switchTabIfShown } from './pages/image.js';
import { showImages } from './pages/images.js';
import { showHost, showHosts, switchHostTabIfShown } from './pages/hosts.js';
import { showScanners } from './pages/scanners.js';
import { showLogin } from './pages/login.js';
import { showTokens } from './pages/tokens.js';
import { parseRoute, type Route } from './router.js';
import { forgetToken, roleOf, saveToken, savedToken } from './session.js';
import { setStatus, showView } from './view.js';

const NAV: { href: string; label: string; pages: Route['page'][]; adminOnly?: boolean }[] = [
  { href: '#/', label: 'Dashboard', pages: ['dashboard'] },
  { href: '#/images', label: 'Images', pages: ['images', 'image'] },
  { href: '#/exceptions', label: 'Exceptions', pages: ['exceptions'] },
  { href: '#/hosts', label: 'Hosts', pages: ['hosts', 'host'] },
  { href: '#/scanners', label: 'Scanners', pages: ['scanners'] },
  { href: '#/tokens', label: 'Tokens', pages: ['tokens'], adminOnly: true },
];

let renderCount = 0;

function drawNav(route: Route, token: string | undefined): void {
  const nav = document.getElementById('ui-nav') as HTMLElement;
  if (token === undefined) {
    nav.innerHTML = '';
    return;
  }
  const admin = roleOf(token) === 'admin';
  const links = NAV.filter((item) => admin || !item.adminOnly).map((item) => tag('li', {}, tag('a', { href: item.href, 'aria-current': item.pages.includes(route.page) ? 'page' : undefined }, escapeHtml(item.label))));
  nav.innerHTML = tag('ul', {}, [...links, tag('li', {}, '<button type="button" id="logout">Log out</button>')].join(''));
  (nav.querySelector('#logout') as HTMLButtonElement).addEventListener('click', () => logOut('You are logged out; the token was removed from this tab.'));
}

function logOut(notice: string): void {
  forgetToken();
  setStatus('');
  if (location.hash !== '#/login') history.replaceState(null, '', '#/login');
  render(notice);
}

function render(notice?: string): void {
  const route = parseRoute(location.hash);
  const token = savedToken();
  // Another tab of the image on screen: no new page, so the page's pending work stays current.
  if (token !== undefined && route.page === 'image' && switchTabIfShown(route)) return;
  if (token !== undefined && route.page === 'host' && switchHostTabIfShown(route)) return;
  const myRender = ++renderCount;
  drawNav(route, token);
  if (token === undefined || route.page === 'login') {
    if (token !== undefined) {
      history.replaceState(null, '', '#/');
      render();
      return;
    }
    showLogin((accepted) => {
      saveToken(accepted);
      setStatus('');
      const target = sessionStorage.getItem('tollgate.after-login') ?? '#/';
      sessionStorage.removeItem('tollgate.after-login');
      if (location.hash === target) render();
      else location.hash = target;
    }, notice);
    return;
  }
  const api = new ApiClient(token, () => {
    forgetToken();
    if (myRender === renderCount) logOut('Your token is no longer accepted (revoked or wrong); log in again.');
  });
  const context: PageContext = { api, route, current: () => myRender === renderCount };
  switch (route.page) {
    case 'dashboard':
      return void showDashboard(context);
    case 'images':
      return void showImages({ ...context, route });
    case 'image':
      return void showImage({ ...context, route });
    case 'exceptions':
      return void showExceptions({ ...context, route });
    case 'tokens':
      return void showTokens(context);
    case 'hosts':
      return void showHosts(context);
    case 'host':
      return void showHost({ ...context, route });
    case 'scanners':
      return void showScanners(context);
    default:
      showView(`<h1>Not found</h1><p>There is no page <code>${escapeHtml(location.hash)}</code>. <a href="#/">Back to the dashboard</a>.</p>`);
  }
}

window.addEventListener('hashchange', () => {
  setStatus('');
  render();
});
if (savedToken() === undefined && location.hash && location.hash !== '#/login' && location.hash !== '#/') sessionStorage.setItem('tollgate.after-login', location.hash);
render();
