import type { AppContext } from '../app-context.js';
import { h } from '../dom.js';
import type { Panel } from '../panel.js';

export function mount(root: HTMLElement, _context: AppContext): Panel {
  root.append(h('p', { class: 'hint' }, 'This page is being built.'));
  return {};
}
