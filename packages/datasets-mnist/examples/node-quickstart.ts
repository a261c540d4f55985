// Node: the bundled MNIST, offline, SHA-256 checked, as paper-scale 32x32 batches.
// Run: npx tsx --conditions=@lenet/source examples/node-quickstart.ts
import { batches, loadMnist, pixelStatistics } from '@lenet/datasets-mnist/node';

export async function main(log: (line: string) => void = console.log): Promise<void> {
  const train = await loadMnist({ split: 'train' });
  const test = await loadMnist({ split: 'test' });
  log(`train ${train.length} images of ${train.height}x${train.width}, test ${test.length}`);
  log(`first labels: ${Array.from({ length: 10 }, (_, i) => train.label(i)).join(' ')}`);
  log(`train class counts: ${train.classCounts().join(' ')}`);
  const { mean, std } = pixelStatistics(train);
  log(`pixel mean ${mean.toFixed(4)}, std ${std.toFixed(4)}`);

  const { train: fit, validation } = train.split(10_000, 1);
  log(`split: ${fit.length} to fit, ${validation.length} to validate`);
  const small = train.take(600, { seed: 7 });
  log(`balanced sample of 600: ${small.classCounts().join(' ')}`);

  for (const { images, labels } of batches(fit, {
    batchSize: 64,
    shuffle: true,
    seed: 1,
    padding: 2,
  })) {
    log(`batch images [${images.shape}] ${images.dtype}, labels [${labels.shape}] ${labels.dtype}`);
    log(
      `corner pixel ${images.data[0].toFixed(3)}, brightest ${Math.max(...images.data).toFixed(3)}`,
    );
    break;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
