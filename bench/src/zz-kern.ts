import { getBackend, zeros } from '@lenet/tensor';

const b = getBackend();
console.log(b.name, b.variant, b.ownKernels.join(','));
function geo(batch: number, cin: number, h: number, cout: number) {
  return {
    batch,
    inChannels: cin,
    inHeight: h,
    inWidth: h,
    outChannels: cout,
    kernelHeight: 5,
    kernelWidth: 5,
    strideHeight: 1,
    strideWidth: 1,
    paddingHeight: 0,
    paddingWidth: 0,
    outHeight: h - 4,
    outWidth: h - 4,
    connection: null,
  };
}
function time(name: string, f: () => void, n = 2000) {
  for (let i = 0; i < 50; i++) f();
  const t = performance.now();
  for (let i = 0; i < n; i++) f();
  const us = ((performance.now() - t) * 1000) / n;
  console.log(name, us.toFixed(1), 'us');
}
for (const batch of [1, 32]) {
  const g1 = geo(batch, 1, 32, 6),
    g2 = geo(batch, 6, 14, 16);
  const x1 = zeros([batch, 1, 32, 32]),
    w1 = zeros([6, 1, 5, 5]),
    b1 = zeros([6]),
    y1 = zeros([batch, 6, 28, 28]);
  const x2 = zeros([batch, 6, 14, 14]),
    w2 = zeros([16, 6, 5, 5]),
    b2 = zeros([16]),
    y2 = zeros([batch, 16, 10, 10]);
  const n = batch === 1 ? 2000 : 100;
  time(
    `b${batch} conv1 fwd`,
    () =>
      b.conv2dForward({ ...g1, input: x1.data, weight: w1.data, bias: b1.data, output: y1.data }),
    n,
  );
  time(
    `b${batch} conv2 fwd`,
    () =>
      b.conv2dForward({ ...g2, input: x2.data, weight: w2.data, bias: b2.data, output: y2.data }),
    n,
  );
  time(
    `b${batch} conv1 bwdW`,
    () =>
      b.conv2dBackwardWeight({
        ...g1,
        input: x1.data,
        gradOutput: y1.data,
        gradWeight: w1.data,
        gradBias: b1.data,
      }),
    n,
  );
  time(
    `b${batch} conv2 bwdW`,
    () =>
      b.conv2dBackwardWeight({
        ...g2,
        input: x2.data,
        gradOutput: y2.data,
        gradWeight: w2.data,
        gradBias: b2.data,
      }),
    n,
  );
  time(
    `b${batch} conv2 bwdI`,
    () =>
      b.conv2dBackwardInput({ ...g2, gradOutput: y2.data, weight: w2.data, gradInput: x2.data }),
    n,
  );
}
