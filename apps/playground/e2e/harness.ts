// Serves the built site (dist/) on 127.0.0.1 and drives Debian's Chromium with playwright-core.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const distDir = join(appDir, 'dist');
export const screenshotDir = join(appDir, 'test-results');
export const CHROMIUM = '/usr/bin/chromium';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
};

/** Chromium's WebGPU on SwiftShader (a CPU Vulkan driver), for the WebGPU tests. */
export const WEBGPU_FLAGS = [
  '--enable-unsafe-webgpu',
  '--enable-unsafe-swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--enable-features=Vulkan',
];

/** What the dev and preview servers send (vite.config.ts): the page is cross-origin isolated. */
const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * A static file server for `root` on an ephemeral port of 127.0.0.1; with `isolated` it sends
 * the COOP/COEP headers (SharedArrayBuffer), without them it is a plain static host.
 */
export async function serveStatic(
  root: string,
  options: { isolated?: boolean } = {},
): Promise<{ url: string; close(): Promise<void> }> {
  const isolation = (options.isolated ?? true) ? ISOLATION_HEADERS : {};
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(root + sep)) {
      response.writeHead(403).end();
      return;
    }
    try {
      if (!statSync(file).isFile()) throw new Error('not a file');
      const body = readFileSync(file);
      response.writeHead(200, {
        'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
        'Content-Length': body.length,
        'Cache-Control': 'no-cache',
        ...isolation,
      });
      response.end(body);
    } catch {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface Session {
  baseUrl: string;
  context: BrowserContext;
  /** The fresh profile directory (its path is on every Chromium process's command line). */
  profile: string;
  /** Opens the site at `hash` (e.g. '#backprop') in a new tab, failing on page errors. */
  open(hash?: string): Promise<Page>;
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Starts the server and Chromium with a fresh profile. The server sends the cross-origin
 * isolation headers unless `isolated: false` (a static host without them).
 */
export async function startSession(
  options: { serviceWorkers?: 'allow' | 'block'; isolated?: boolean; webgpu?: boolean } = {},
): Promise<Session> {
  try {
    statSync(join(distDir, 'index.html'));
  } catch {
    throw new Error(
      `e2e: no built site in ${distDir}; run \`pnpm --filter @lenet/playground build\` first (the root \`pnpm test\` does)`,
    );
  }
  try {
    statSync(CHROMIUM);
  } catch {
    throw new Error(
      `e2e: Chromium not found at ${CHROMIUM}; install it with \`apt-get install -y chromium\``,
    );
  }
  const server = await serveStatic(distDir, { isolated: options.isolated });
  const profile = mkdtempSync(join(tmpdir(), 'lenet-playground-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      ...(options.webgpu ? WEBGPU_FLAGS : ['--disable-gpu']),
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
    ],
    viewport: { width: 1280, height: 900 },
    // Blocked unless a test is about offline use: a cached old build must never hide a new one.
    serviceWorkers: options.serviceWorkers ?? 'block',
  });
  mkdirSync(screenshotDir, { recursive: true });
  const errors: string[] = [];
  return {
    baseUrl: server.url,
    context,
    profile,
    async open(hash = '') {
      const page = await context.newPage();
      page.on('pageerror', (error) => errors.push(String(error)));
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      await page.goto(`${server.url}${hash}`);
      return page;
    },
    async screenshot(page, name) {
      const path = join(screenshotDir, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    async close() {
      await context.close();
      await server.close();
      rmSync(profile, { recursive: true, force: true });
      if (errors.length > 0) throw new Error(`errors in the page:\n${errors.join('\n')}`);
    },
  };
}
