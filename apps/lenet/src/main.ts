import { availableParallelism } from 'node:os';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { runAdder } from './commands/adder.js';
import { runEval } from './commands/eval.js';
import { runLearningCurve } from './commands/learning-curve.js';
import { runPredict } from './commands/predict.js';
import { QUICK, runReproduce } from './commands/reproduce.js';
import { runTrain } from './commands/train.js';
import { UsageError } from './errors.js';
import { type CliIo, processIo } from './io.js';
import {
  AUGMENT_NAMES,
  BACKEND_NAMES,
  LOSS_NAMES,
  MODEL_NAMES,
  OPTIMIZER_NAMES,
  RECIPE_NAMES,
  SCHEDULE_NAMES,
} from './names.js';
import {
  parseCount,
  parseCountList,
  parseNonNegativeInteger,
  parseNonNegativeNumber,
  parsePositiveInteger,
  parsePositiveNumber,
} from './options.js';
import { REPRODUCE_ROW_IDS } from './paper-rows.js';
import { RECIPES } from './training/recipes.js';
import { DEFAULT_RATES } from './training/run-training.js';

/**
 * Runs the `lenet` command line on `argv` (without the node and script paths) and returns the
 * exit code. Everything is written through `io`, so tests run commands in-process.
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`lenet: error: ${message}\n`);
    if (!(error instanceof UsageError) && process.env.LENET_DEBUG && error instanceof Error) {
      io.stderr.write(`${error.stack}\n`);
    }
    return 1;
  }
}

export function buildProgram(io: CliIo): Command {
  const program = new Command('lenet')
    .description(
      'Train and use the networks of LeCun, Bottou, Bengio & Haffner (1998) on MNIST, from scratch in TypeScript.',
    )
    .version(VERSION, '-V, --version')
    .showSuggestionAfterError(true);

  program
    .command('train')
    .description(
      "Train a network on MNIST. Defaults to LeNet-5 as in the paper: RBF output, MAP loss, SDLM, 20 passes, batch size 1, with the paper's own learning-rate table from 0.0005 (schedule 'paper'), weights initialised as LeCun's Lush code does ('lecun-lush') and h_kk kept as a running average over the passes' estimates (see the README).",
    )
    .addOption(choice('--model <name>', 'network to train', MODEL_NAMES).default('lenet5'))
    .addOption(trainingOptions.epochs())
    .addOption(trainingOptions.batchSize())
    .addOption(trainingOptions.optimizer())
    .addOption(trainingOptions.lr())
    .addOption(trainingOptions.schedule())
    .addOption(trainingOptions.loss())
    .addOption(trainingOptions.weightDecay())
    .addOption(trainingOptions.augment())
    .addOption(
      new Option(
        '--train-size <P>',
        'train on a class-balanced sample of P images (e.g. 2000 or 2k)',
      )
        .argParser(parseCount)
        .default(60000),
    )
    .addOption(trainingOptions.testSize())
    .addOption(trainingOptions.seed())
    .option(
      '--out <dir>',
      'where metrics.jsonl, the model, checkpoints and plots go; a folder holding a run needs --resume or --force',
      'runs/train',
    )
    .option(
      '--resume',
      'continue the run in <out> from <out>/checkpoints/checkpoint-last.safetensors (checkpoint-best.safetensors if last is missing or damaged), with the settings and threads in <out>/settings.json; only a larger --epochs may be given',
      false,
    )
    .option(
      '--force',
      'replace the run in <out> (its model, checkpoints, metrics and plots)',
      false,
    )
    .addOption(
      choice(
        '--recipe <name>',
        "'paper': each model's own recipe; 'fast': time to accuracy with every core (lenet5-modern unless --model is given, Adam at 0.0035*sqrt(batch/64), warm-up then cosine, 4 passes, batch 64 per thread up to 1024 unless --batch-size is given)",
        RECIPE_NAMES,
      ).default('paper'),
    )
    .addOption(trainingOptions.threads())
    .addOption(backendOption())
    .action(async (options, command: Command) =>
      runTrain({ ...options, given: givenOptions(command) }, io),
    );

  program
    .command('eval')
    .description(
      'Test error, per-class error and confusion matrix of a trained model on the MNIST test set.',
    )
    .requiredOption('--model <dir>', 'a folder written by `lenet train`')
    .addOption(trainingOptions.testSize())
    .option(
      '--out <dir>',
      'where to write confusion.svg and errors.svg (default: the model folder)',
    )
    .addOption(backendOption())
    .action(async (options) => runEval(options, io));

  program
    .command('predict')
    .description(
      'Classify digit images: any PNG (any size, dark-on-light or light-on-dark, gray, RGB or with alpha) is converted the way MNIST was made, then classified.',
    )
    .requiredOption('--model <dir>', 'a folder written by `lenet train`')
    .argument('<images...>', 'PNG files')
    .addOption(backendOption())
    .action(async (images: string[], options) => runPredict(images, options, io));

  program
    .command('reproduce')
    .description(
      "Train the paper's table rows and print ours next to the paper's test errors as a markdown table.",
    )
    .option(
      '--quick',
      `a short version of each row (${QUICK.trainSize} training and ${QUICK.testSize} test images, ${QUICK.epochs} pass) for smoke tests`,
      false,
    )
    .addOption(
      new Option(
        '--only <rows>',
        `comma-separated rows to run (${REPRODUCE_ROW_IDS.join(', ')})`,
      ).argParser((text) => parseRowList(text)),
    )
    .addOption(trainingOptions.seed())
    .option('--out <dir>', 'one sub-folder per row', 'runs/reproduce')
    .addOption(trainingOptions.threads())
    .action(async (options) => runReproduce(options, io));

  program
    .command('learning-curve')
    .description(
      'Train one model on several training-set sizes P, record E_train and E_test, fit log(E_test - E_train) = log k + alpha log(1/P).',
    )
    .addOption(choice('--model <name>', 'network to train', MODEL_NAMES).default('lenet5'))
    .addOption(
      new Option('--sizes <list>', 'training-set sizes')
        .argParser(parseCountList)
        .default([1000, 2000, 5000, 10000, 20000, 60000], '1k,2k,5k,10k,20k,60k'),
    )
    .addOption(trainingOptions.epochs())
    .addOption(trainingOptions.batchSize())
    .addOption(trainingOptions.optimizer())
    .addOption(trainingOptions.lr())
    .addOption(trainingOptions.schedule())
    .addOption(trainingOptions.loss())
    .addOption(trainingOptions.weightDecay())
    .addOption(trainingOptions.augment())
    .addOption(trainingOptions.testSize())
    .addOption(trainingOptions.seed())
    .option(
      '--out <dir>',
      'one sub-folder per size, plus learning-curve.svg',
      'runs/learning-curve',
    )
    .addOption(trainingOptions.threads())
    .action(async (options) => runLearningCurve(options, io));

  program
    .command('adder')
    .description(
      'The scalar-engine demo: back-propagation learns binary addition (Rumelhart, Hinton & Williams 1986).',
    )
    .addOption(
      new Option('--seeds <n>', 'seeds per architecture in the sweep')
        .argParser(parsePositiveInteger)
        .default(50),
    )
    .addOption(
      new Option('--max-epochs <n>', 'sweeps through all cases before a run counts as stuck')
        .argParser(parsePositiveInteger)
        .default(5000),
    )
    .action(async (options) => runAdder(options, io));

  configureErrors(program, io);
  return program;
}

const VERSION = '0.0.0';

const trainingOptions = {
  epochs: () =>
    new Option(
      '--epochs <n>',
      "passes through the training set (default: the model's recipe)",
    ).argParser(parsePositiveInteger),
  batchSize: () =>
    new Option(
      '--batch-size <n>',
      "images per update; 1 is the paper's on-line training (default: the model's recipe)",
    ).argParser(parsePositiveInteger),
  optimizer: () =>
    choice('--optimizer <name>', "optimizer (default: the model's recipe)", OPTIMIZER_NAMES),
  lr: () =>
    new Option(
      '--lr <rate>',
      `initial global learning rate; the schedule keeps its shape, scaled to start here (default: the model's recipe, ${RECIPES.lenet5.learningRate} for lenet5; for another --optimizer than the recipe's: ${Object.entries(
        DEFAULT_RATES,
      )
        .map(([name, rate]) => `${name} ${rate}`)
        .join(', ')})`,
    ).argParser(parsePositiveNumber),
  schedule: () =>
    choice(
      '--schedule <name>',
      "learning-rate schedule (default: the model's recipe)",
      SCHEDULE_NAMES,
    ),
  loss: () => choice('--loss <name>', "loss (default: the model's recipe)", LOSS_NAMES),
  augment: () =>
    choice('--augment <kind>', 'distort training images on the fly', AUGMENT_NAMES).default('none'),
  weightDecay: () =>
    new Option('--weight-decay <beta>', 'L2 penalty beta: minimizes E_train + beta/2 |W|^2')
      .argParser(parseNonNegativeNumber)
      .default(0),
  testSize: () =>
    new Option('--test-size <n>', 'evaluate on the first n of the 10,000 test images')
      .argParser(parseCount)
      .default(10000),
  seed: () =>
    new Option('--seed <n>', 'seed of every random choice: same seed and threads, same weights')
      .argParser(parseNonNegativeInteger)
      .default(1),
  threads: () =>
    new Option(
      '--threads <n>',
      `threads computing each batch (1..${availableParallelism()}, data parallel; batch size 1 runs on one thread, evaluation is still split)`,
    )
      .argParser(parseThreads)
      .default(availableParallelism(), 'the CPU count'),
};

/** `--backend`, on train, eval and predict (see backend-choice.ts). */
function backendOption(): Option {
  return choice(
    '--backend <name>',
    "where tensors are computed: 'wasm' (CPU, WebAssembly SIMD), 'webgpu' (a GPU through the optional webgpu package; one thread) or 'reference' (plain JavaScript)",
    BACKEND_NAMES,
  ).default('wasm');
}

/** The options typed on the command line (not defaults), by option name. */
function givenOptions(command: Command): Set<string> {
  const given = new Set<string>();
  for (const option of command.options) {
    const name = option.attributeName();
    if (command.getOptionValueSource(name) === 'cli') given.add(name);
  }
  return given;
}

function choice(flags: string, description: string, values: readonly string[]): Option {
  return new Option(flags, description).choices(values);
}

function parseThreads(text: string): number {
  const value = parsePositiveInteger(text);
  if (value > availableParallelism()) {
    throw new InvalidArgumentError(`expected 1..${availableParallelism()} (the CPU count).`);
  }
  return value;
}

function parseRowList(text: string): string[] {
  const rows = text
    .split(',')
    .map((row) => row.trim())
    .filter((row) => row !== '');
  const unknown = rows.filter((row) => !(REPRODUCE_ROW_IDS as readonly string[]).includes(row));
  if (rows.length === 0 || unknown.length > 0) {
    throw new InvalidArgumentError(
      `${unknown.length > 0 ? `unknown row ${unknown.map((row) => `'${row}'`).join(', ')}; ` : ''}rows are ${REPRODUCE_ROW_IDS.join(', ')}.`,
    );
  }
  return rows;
}

/**
 * Errors go to io.stderr and end with the command's valid flags, and nothing calls
 * process.exit: `main` returns the exit code.
 */
function configureErrors(command: Command, io: CliIo): void {
  command.exitOverride();
  command.configureOutput({
    writeOut: (text) => io.stdout.write(text),
    writeErr: (text) => io.stderr.write(text),
  });
  const flags = command.options.map((option) => option.long).filter(Boolean);
  const name = command.parent ? `lenet ${command.name()}` : 'lenet';
  const subcommands = command.commands.map((sub) => sub.name());
  const hint =
    subcommands.length > 0
      ? `commands: ${subcommands.join(', ')} (see '${name} <command> --help')`
      : `valid flags: ${[...flags, '--help'].join(', ')} (see '${name} --help')`;
  command.showHelpAfterError(hint);
  for (const sub of command.commands) configureErrors(sub, io);
}
