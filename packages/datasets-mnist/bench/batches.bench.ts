// One epoch of MNIST training batches: uint8 -> float32 (paper scale), padded to 32x32,
// shuffled. Run: pnpm bench. Prints a table; never fails on time (shared 2-core machine).
import { batches, loadMnist } from '@lenet/datasets-mnist/node';

const train = await loadMnist({ split: 'train' });
const rows: { case: string; 'ms per epoch (median)': string; 'images/s': string }[] = [];

for (const batchSize of [1, 64, 256]) {
  const times: number[] = [];
  for (let run = 0; run < 3; run++) {
    const start = performance.now();
    let checksum = 0;
    for (const batch of batches(train, { batchSize, shuffle: true, seed: run, padding: 2 })) {
      checksum += batch.labels.data[0];
    }
    times.push(performance.now() - start);
    if (checksum < 0) throw new Error('unreachable');
  }
  const median = [...times].sort((a, b) => a - b)[1];
  rows.push({
    case: `60,000 images, batchSize ${batchSize}, shuffle, pad to 32x32`,
    'ms per epoch (median)': median.toFixed(0),
    'images/s': Math.round((60_000 / median) * 1000).toLocaleString('en-US'),
  });
}
console.table(rows);
