import './styles.css';
import { AppContext } from './app-context.js';
import { h } from './dom.js';
import { PANELS, type Panel } from './panel.js';
import { type Page, parseHash, rejectedParams } from './url-state.js';

const context = new AppContext();
const main = document.getElementById('main')!;
const nav = document.getElementById('nav')!;

interface Mounted {
  section: HTMLElement;
  panel: Promise<Panel>;
  /** Says which values of the link the page could not use (and what it shows instead). */
  linkNotice: HTMLElement;
}
context.url.onWrite = (page, hash) => {
  nav.querySelector(`a[data-page="${page}"]`)?.setAttribute('href', hash);
};

const mounted = new Map<Page, Mounted>();
let currentPage: Page | null = null;

for (const entry of PANELS) {
  nav.append(
    h(
      'li',
      null,
      h(
        'a',
        { href: `#${entry.page}`, 'data-page': entry.page, title: entry.summary },
        entry.title,
      ),
    ),
  );
}

function mountPage(page: Page): Mounted {
  const entry = PANELS.find((panel) => panel.page === page)!;
  const section = h(
    'section',
    { class: 'panel', id: `panel-${page}`, 'aria-labelledby': `heading-${page}` },
    h('h2', { id: `heading-${page}`, class: 'panel-title' }, entry.title),
    h('p', { class: 'panel-summary' }, entry.summary),
  );
  const linkNotice = h('p', {
    class: 'notice',
    role: 'status',
    'data-testid': 'link-notice',
    hidden: true,
  });
  const body = h('div', { class: 'panel-body' }, h('p', { class: 'loading' }, 'Loading...'));
  section.append(linkNotice, body);
  main.append(section);
  const panel = entry.load().then(async (module) => {
    body.replaceChildren();
    try {
      return await module.mount(body, context);
    } catch (error) {
      body.replaceChildren(
        h('p', { class: 'error' }, `This page failed to start: ${String(error)}`),
      );
      throw error;
    }
  });
  return { section, panel, linkNotice };
}

function reportLink(current: Mounted, params: Record<string, string>): void {
  void current.panel.then((panel) => {
    const rejected = panel.schema ? rejectedParams(panel.schema, params) : [];
    current.linkNotice.hidden = rejected.length === 0;
    current.linkNotice.textContent =
      rejected.length === 0
        ? ''
        : `Not used from the link, shown with the page's default instead: ${rejected.join('; ')}.`;
  });
}

function route(): void {
  const { page, params } = parseHash(location.hash);
  for (const link of nav.querySelectorAll('a')) {
    if (link.dataset.page === page) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (page === currentPage) {
    const current = mounted.get(page)!;
    void current.panel.then((panel) => panel.applyParams?.(params));
    reportLink(current, params);
    return;
  }
  if (currentPage) {
    const previous = mounted.get(currentPage)!;
    previous.section.hidden = true;
    void previous.panel.then((panel) => panel.hide?.());
  }
  currentPage = page;
  let current = mounted.get(page);
  if (current) {
    current.section.hidden = false;
    void current.panel.then((panel) => panel.show?.());
  } else {
    current = mountPage(page);
    mounted.set(page, current);
    void current.panel.then((panel) => panel.show?.());
  }
  reportLink(current, params);
  document.title = `${PANELS.find((entry) => entry.page === page)!.title} · LeNet-5 playground`;
}

window.addEventListener('hashchange', route);
route();

if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('./sw.js').catch((error) => {
      console.warn('offline support unavailable:', error);
    });
  });
}
