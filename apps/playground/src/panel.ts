import type { AppContext } from './app-context.js';
import type { Page, Schema } from './url-state.js';

/** What a mounted page can do; every member is optional. */
export interface Panel {
  /** The page became visible (again). */
  show?(): void;
  /** Another page was chosen; stop animations that only matter on screen. */
  hide?(): void;
  /** The URL's parameters for this page changed from outside (back button, edited link). */
  applyParams?(params: Record<string, string>): void;
  /** The page's URL parameters: values outside it are reported above the page. */
  schema?: Schema;
}

export type MountPanel = (root: HTMLElement, context: AppContext) => Panel | Promise<Panel>;

export interface PanelEntry {
  page: Page;
  title: string;
  summary: string;
  load: () => Promise<{ mount: MountPanel }>;
}

// Each page is its own chunk: the first view loads only what it needs.
export const PANELS: readonly PanelEntry[] = [
  {
    page: 'draw',
    title: 'Draw',
    summary: 'Draw a digit and watch every layer of LeNet-5 respond',
    load: () => import('./draw/draw-panel.js'),
  },
  {
    page: 'train',
    title: 'Train',
    summary: 'Train LeNet-5 or an MLP on MNIST in a Web Worker',
    load: () => import('./train/train-panel.js'),
  },
  {
    page: 'backprop',
    title: 'Backprop',
    summary: 'An expression as a graph, its values and gradients, step by step',
    load: () => import('./backprop/backprop-panel.js'),
  },
  {
    page: 'adder',
    title: 'Adder',
    summary: 'A tiny MLP learns to add binary numbers',
    load: () => import('./adder/adder-panel.js'),
  },
  {
    page: 'distortions',
    title: 'Distortions',
    summary: 'The affine and elastic distortions used to augment training',
    load: () => import('./distortions/distortions-panel.js'),
  },
  {
    page: 'results',
    title: 'Results',
    summary: 'Test error, confusion matrix and the mistakes of the shipped model',
    load: () => import('./results/results-panel.js'),
  },
];
