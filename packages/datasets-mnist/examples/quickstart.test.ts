// The README's printed numbers come from these examples; this test keeps them true.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename } from 'node:path';
import { expect, it } from 'vitest';
import { bundledMnistFiles } from '../src/node/bundled-mnist.js';
import { main as browserMain } from './browser-quickstart.js';
import { main as nodeMain } from './node-quickstart.js';

it('node quickstart prints the README numbers', async () => {
  const lines: string[] = [];
  await nodeMain((line) => lines.push(line));
  expect(lines).toEqual([
    'train 60000 images of 28x28, test 10000',
    'first labels: 5 0 4 1 9 2 1 3 1 4',
    'train class counts: 5923 6742 5958 6131 5842 5421 5918 6265 5851 5949',
    'pixel mean 0.1307, std 0.3081',
    'split: 50000 to fit, 10000 to validate',
    'balanced sample of 600: 60 60 60 60 60 60 60 60 60 60',
    'batch images [64,1,32,32] float32, labels [64] int32',
    'corner pixel -0.100, brightest 1.175',
  ]);
});

it('browser quickstart works over HTTP with the main entry only', async () => {
  const files = new Map<string, Buffer>();
  for (const path of Object.values(bundledMnistFiles('test')))
    files.set(`/${basename(path)}`, await readFile(path));
  const server = createServer((request, response) => {
    const body = files.get(request.url ?? '');
    if (body) response.writeHead(200).end(body);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const lines: string[] = [];
    const { port } = server.address() as AddressInfo;
    await browserMain(`http://127.0.0.1:${port}/`, (line) => lines.push(line));
    expect(lines).toEqual([
      'test 10000 images, first labels 7 2 1 0 4',
      'from ArrayBuffers: batch [100,1,28,28], label of image 0 is 7',
    ]);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
