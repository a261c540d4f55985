import type { AugmentName, ModelName, OptimizerName, ScheduleName } from './names.js';

/** One row of the paper's comparison table (LeCun et al. 1998, Fig. 9) that we reproduce. */
export interface PaperRow {
  readonly id: string;
  /** As the paper labels it. */
  readonly label: string;
  readonly model: ModelName;
  readonly augment: AugmentName;
  /** The paper's test error in percent; null where the paper has no such row. */
  readonly paperError: number | null;
  /** Our target in percent. */
  readonly target: number;
  readonly note?: string;
  /** Where the row departs from the model's recipe (`RECIPES`); the README says why. */
  readonly training?: RowTraining;
}

/** Training settings a row sets instead of its model's recipe. */
export interface RowTraining {
  readonly optimizer: OptimizerName;
  readonly schedule: ScheduleName;
  readonly lr: number;
  readonly batchSize: number;
  readonly epochs: number;
  readonly weightDecay?: number;
}

/**
 * Adam on batches of 32 with a cosine schedule from 0.001, 20 passes. On-line SDLM at the rates
 * it tolerates here underfits distorted digits (training error still 3-7% after 20 passes,
 * test error 2.0-2.3% for LeNet-5) and leaves LeNet-4 at 1.13%, so those rows train this way;
 * `ADAMW_MINIBATCH` below is the same with weight decay, for LeNet-5 without distortions.
 */
const ADAM_MINIBATCH: RowTraining = {
  optimizer: 'adam',
  schedule: 'cosine',
  lr: 0.001,
  batchSize: 32,
  epochs: 20,
};

/**
 * The distortion rows: Adam as above for 40 passes. Distorted digits are a larger, harder
 * training set (the paper drew 20 passes from 600,000 images); after 20 passes LeNet-5's
 * training error on them is still 1.2% (affine) and 3.8% (elastic), and test error 0.83% and
 * 1.10%; 40 passes bring them to 0.69% and 0.86%.
 */
const ADAM_DISTORTED: RowTraining = { ...ADAM_MINIBATCH, epochs: 40 };

/**
 * LeNet-5 without distortions: AdamW (decoupled weight decay 0.05) on batches of 32, cosine
 * from 0.001, 20 passes: 0.92% where plain Adam gives 0.98%, on-line SDLM at the paper's
 * +-2.4/F initialisation with our stretched table 1.03-1.17%, and the paper's own table with
 * Lush's initialisation and a running h_kk (the `lenet5` row) 0.81-0.93%.
 */
const ADAMW_MINIBATCH: RowTraining = { ...ADAM_MINIBATCH, optimizer: 'adamw', weightDecay: 0.05 };

export const PAPER_ROWS: readonly PaperRow[] = [
  {
    id: 'fc-300',
    label: '28x28-300-10',
    model: 'mlp-300',
    augment: 'none',
    paperError: 4.7,
    target: 4.7,
  },
  {
    id: 'fc-1000',
    label: '28x28-1000-10',
    model: 'mlp-1000',
    augment: 'none',
    paperError: 4.5,
    target: 4.5,
  },
  {
    id: 'fc-300-100',
    label: '28x28-300-100-10',
    model: 'mlp-300-100',
    augment: 'none',
    paperError: 3.05,
    target: 3.05,
  },
  {
    id: 'fc-500-150',
    label: '28x28-500-150-10',
    model: 'mlp-500-150',
    augment: 'none',
    paperError: 2.95,
    target: 2.95,
  },
  {
    id: 'fc-300-affine',
    label: '28x28-300-10 [dist]',
    model: 'mlp-300',
    augment: 'affine',
    paperError: 3.6,
    target: 3.6,
  },
  {
    id: 'lenet1',
    label: 'LeNet-1',
    model: 'lenet1',
    augment: 'none',
    paperError: 1.7,
    target: 1.7,
  },
  {
    id: 'lenet4',
    label: 'LeNet-4',
    model: 'lenet4',
    augment: 'none',
    paperError: 1.1,
    target: 1.1,
    training: ADAM_MINIBATCH,
  },
  {
    id: 'lenet5',
    label: 'LeNet-5',
    model: 'lenet5',
    augment: 'none',
    paperError: 0.95,
    target: 0.95,
  },
  {
    id: 'lenet5-adamw',
    label: 'LeNet-5, AdamW mini-batches',
    model: 'lenet5',
    augment: 'none',
    paperError: 0.95,
    target: 0.95,
    training: ADAMW_MINIBATCH,
  },
  {
    id: 'lenet5-affine',
    label: 'LeNet-5 [dist]',
    model: 'lenet5',
    augment: 'affine',
    paperError: 0.8,
    target: 0.8,
    training: ADAM_DISTORTED,
  },
  {
    id: 'lenet5-elastic',
    label: 'LeNet-5, elastic distortions',
    model: 'lenet5',
    augment: 'elastic',
    paperError: null,
    target: 0.7,
    note: 'not in the paper; Simard et al. 2003: 0.4%',
    training: ADAM_DISTORTED,
  },
];

export const REPRODUCE_ROW_IDS: readonly string[] = PAPER_ROWS.map((row) => row.id);
