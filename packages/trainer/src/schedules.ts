/**
 * A learning-rate schedule: a plain function of training progress.
 * `epoch` is the 0-based pass as a real number (2.5 = half-way through the third pass);
 * `step` is the number of optimizer steps taken before this one. `fit` calls it before every
 * step, so it must be cheap and must not allocate.
 * Epoch-wise schedules (paper table, step, exponential) use `Math.floor(epoch)`; cosine and
 * warm-up are smooth in `epoch` (or in `step`).
 */
export type Schedule = (epoch: number, step: number) => number;

/** One row of a per-pass table: passes `fromPass`..`toPass` (1-based, inclusive) use `rate`. */
export interface PassRate {
  readonly fromPass: number;
  readonly toPass: number;
  readonly rate: number;
}

/** LeCun et al. (1998), section III-B: the global learning rate eta for each of the 20 passes. */
export const PAPER_LEARNING_RATES: readonly PassRate[] = Object.freeze([
  { fromPass: 1, toPass: 2, rate: 0.0005 },
  { fromPass: 3, toPass: 5, rate: 0.0002 },
  { fromPass: 6, toPass: 8, rate: 0.0001 },
  { fromPass: 9, toPass: 12, rate: 0.00005 },
  { fromPass: 13, toPass: 20, rate: 0.00001 },
]);

/**
 * A per-pass table; passes after the last row keep the last rate. `scale` multiplies every
 * rate (the paper's eta is for its SDLM with mu = 0.02; other optimizers need other sizes).
 */
export function perPassSchedule(table: readonly PassRate[], scale = 1): Schedule {
  if (table.length === 0) throw new RangeError('perPassSchedule: the table is empty');
  let expectedPass = 1;
  for (const row of table) {
    if (row.fromPass !== expectedPass || row.toPass < row.fromPass || !(row.rate >= 0)) {
      throw new RangeError(
        `perPassSchedule: rows must cover passes 1, 2, ... in order without gaps and have rate >= 0; row ${JSON.stringify(row)} breaks this`,
      );
    }
    expectedPass = row.toPass + 1;
  }
  checkFinite('perPassSchedule', 'scale', scale);
  // Expand once so a lookup is one array read.
  const rates = new Float64Array(expectedPass - 1);
  for (const row of table) rates.fill(row.rate * scale, row.fromPass - 1, row.toPass);
  const last = rates[rates.length - 1];
  return (epoch) => {
    const pass = Math.floor(epoch);
    return pass < rates.length ? rates[Math.max(0, pass)] : last;
  };
}

/** The paper's 20-pass table (`PAPER_LEARNING_RATES`), optionally scaled. */
export function paperSchedule(scale = 1): Schedule {
  return perPassSchedule(PAPER_LEARNING_RATES, scale);
}

/**
 * A table for SDLM at the paper's +-2.4/F initialisation: the paper's first four rates at a
 * tenth of their size, held longer (passes 1-8, 9-12, 13-16, 17-20), and no final drop to
 * 0.00001/10. At that initialisation most h_kk sit below mu, steps are eta / mu and the
 * paper's own rates diverge; at a tenth of the paper's table the rate is 0.000001 from pass 13
 * on and learning stops early (1.24% test error); held longer it reaches the paper's 0.35%
 * training error at pass 19. LeNet-5 now trains with the paper's table itself (Lush's
 * initialisation and a running h_kk average); the lenet app's README has the runs.
 */
export const STRETCHED_PAPER_RATES: readonly PassRate[] = Object.freeze([
  { fromPass: 1, toPass: 8, rate: 0.00005 },
  { fromPass: 9, toPass: 12, rate: 0.00002 },
  { fromPass: 13, toPass: 16, rate: 0.00001 },
  { fromPass: 17, toPass: 20, rate: 0.000005 },
]);

/** `STRETCHED_PAPER_RATES`, optionally scaled (it starts at 0.00005). */
export function stretchedPaperSchedule(scale = 1): Schedule {
  return perPassSchedule(STRETCHED_PAPER_RATES, scale);
}

/** The same rate throughout. */
export function constantSchedule(rate: number): Schedule {
  checkFinite('constantSchedule', 'rate', rate);
  return () => rate;
}

/** `initial * factor^floor(epoch / every)`: drop by `factor` every `every` passes. */
export function stepSchedule(options: {
  initial: number;
  factor: number;
  every: number;
}): Schedule {
  const { initial, factor, every } = options;
  checkFinite('stepSchedule', 'initial', initial);
  checkFinite('stepSchedule', 'factor', factor);
  if (!Number.isInteger(every) || every < 1) {
    throw new RangeError(`stepSchedule: every must be an integer >= 1, got ${every}`);
  }
  return (epoch) => initial * factor ** Math.floor(Math.max(0, epoch) / every);
}

/** `initial * factor^floor(epoch)`: multiply by `factor` after every pass. */
export function exponentialSchedule(options: { initial: number; factor: number }): Schedule {
  const { initial, factor } = options;
  checkFinite('exponentialSchedule', 'initial', initial);
  checkFinite('exponentialSchedule', 'factor', factor);
  return (epoch) => initial * factor ** Math.floor(Math.max(0, epoch));
}

/**
 * Cosine annealing from `initial` at epoch 0 to `final` (default 0) at `epochs`, smooth within
 * a pass; `final` after that.
 */
export function cosineSchedule(options: {
  initial: number;
  epochs: number;
  final?: number;
}): Schedule {
  const { initial, epochs } = options;
  const final = options.final ?? 0;
  checkFinite('cosineSchedule', 'initial', initial);
  checkFinite('cosineSchedule', 'final', final);
  if (!(epochs > 0)) throw new RangeError(`cosineSchedule: epochs must be > 0, got ${epochs}`);
  return (epoch) => {
    const progress = Math.min(1, Math.max(0, epoch / epochs));
    return final + ((initial - final) * (1 + Math.cos(Math.PI * progress))) / 2;
  };
}

/**
 * Linear warm-up in front of another schedule: the rate grows from `startFactor` (default 0)
 * times `schedule`'s value to its full value over the first `epochs` passes (fractional allowed)
 * or the first `steps` steps, then follows `schedule`.
 */
export function linearWarmup(
  schedule: Schedule,
  options: { epochs?: number; steps?: number; startFactor?: number },
): Schedule {
  const { epochs, steps } = options;
  const startFactor = options.startFactor ?? 0;
  if ((epochs === undefined) === (steps === undefined)) {
    throw new RangeError('linearWarmup: give exactly one of epochs or steps');
  }
  const length = (epochs ?? steps) as number;
  if (!(length > 0))
    throw new RangeError(`linearWarmup: the warm-up length must be > 0, got ${length}`);
  checkFinite('linearWarmup', 'startFactor', startFactor);
  const bySteps = steps !== undefined;
  return (epoch, step) => {
    const progress = (bySteps ? step : epoch) / length;
    const factor = progress >= 1 ? 1 : startFactor + (1 - startFactor) * Math.max(0, progress);
    return factor * schedule(epoch, step);
  };
}

/**
 * The large-batch schedule: a linear warm-up from `peak * startFactor` (default 0.1) to
 * `peak` over the first `warmupEpochs` passes (fractional allowed), then a cosine from `peak`
 * down to `final` (default 0) at `epochs`; `final` after that. Smooth in `epoch`, so it also
 * moves within a pass. The warm-up keeps the first steps of a large learning rate (one scaled
 * with the batch) from throwing the freshly initialised weights far off.
 */
export function warmupCosineSchedule(options: {
  peak: number;
  epochs: number;
  warmupEpochs: number;
  startFactor?: number;
  final?: number;
}): Schedule {
  const { peak, epochs, warmupEpochs } = options;
  const startFactor = options.startFactor ?? 0.1;
  const final = options.final ?? 0;
  checkFinite('warmupCosineSchedule', 'peak', peak);
  checkFinite('warmupCosineSchedule', 'startFactor', startFactor);
  checkFinite('warmupCosineSchedule', 'final', final);
  if (!(epochs > 0)) {
    throw new RangeError(`warmupCosineSchedule: epochs must be > 0, got ${epochs}`);
  }
  if (!(warmupEpochs >= 0 && warmupEpochs < epochs)) {
    throw new RangeError(
      `warmupCosineSchedule: warmupEpochs must be >= 0 and below epochs (${epochs}), got ${warmupEpochs}`,
    );
  }
  const decayEpochs = epochs - warmupEpochs;
  return (epoch) => {
    if (epoch < warmupEpochs) {
      return peak * (startFactor + ((1 - startFactor) * Math.max(0, epoch)) / warmupEpochs);
    }
    const progress = Math.min(1, (epoch - warmupEpochs) / decayEpochs);
    return final + ((peak - final) * (1 + Math.cos(Math.PI * progress))) / 2;
  };
}

function checkFinite(where: string, name: string, value: number): void {
  if (!Number.isFinite(value)) {
    throw new RangeError(`${where}: ${name} must be a finite number, got ${value}`);
  }
}
