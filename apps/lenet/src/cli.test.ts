import { describe, expect, it } from 'vitest';
import { memoryIo } from './io.js';
import { main } from './main.js';
import { MODEL_NAMES } from './names.js';
import { REPRODUCE_ROW_IDS } from './paper-rows.js';

async function run(...argv: string[]) {
  const io = memoryIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe('--help', () => {
  it('lists every command', async () => {
    const { code, out } = await run('--help');
    expect(code).toBe(0);
    for (const command of ['train', 'eval', 'predict', 'reproduce', 'learning-curve', 'adder']) {
      expect(out).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
  });

  it.each([
    [
      'train',
      [
        '--model <name>',
        '--epochs <n>',
        '--batch-size <n>',
        '--optimizer <name>',
        '--lr <rate>',
        '--weight-decay <beta>',
        '--augment <kind>',
        '--train-size <P>',
        '--seed <n>',
        '--out <dir>',
        '--resume',
        '--threads <n>',
      ],
    ],
    ['eval', ['--model <dir>', '--test-size <n>']],
    ['predict', ['--model <dir>', '<images...>']],
    ['reproduce', ['--quick', '(500 training and 500 test images, 1 pass)', '--only <rows>']],
    [
      'learning-curve',
      [
        '--model <name>',
        '--sizes <list>',
        '--epochs <n>',
        '--augment <kind>',
        '--schedule <name>',
        '--loss <name>',
      ],
    ],
    ['adder', ['--seeds <n>', '--max-epochs <n>']],
  ])('documents the flags of %s', async (command, flags) => {
    const { code, out } = await run(command, '--help');
    expect(code).toBe(0);
    expect(out).toContain(`Usage: lenet ${command}`);
    for (const flag of flags) expect(out.replace(/\s+/g, ' ')).toContain(flag);
  });

  it("says what train's defaults are: LeNet-5 with the paper's learning-rate table", async () => {
    const out = (await run('train', '--help')).out.replace(/\s+/g, ' ');
    expect(out).toContain('Defaults to LeNet-5 as in the paper: RBF output, MAP loss, SDLM');
    expect(out).toContain("paper's own learning-rate table from 0.0005 (schedule 'paper')");
    expect(out).toContain("('lecun-lush')");
    expect(out).toContain("default: the model's recipe, 0.0005 for lenet5");
    expect(out).toContain('same seed and threads, same weights');
    expect(out).toContain('<out>/checkpoints/checkpoint-last.safetensors');
    expect(out).toContain('default: "lenet5"');
    expect(out).toContain('threads computing each batch');
    expect(out).toContain('default: the CPU count');
  });
});

describe('bad command lines', () => {
  it('rejects an unknown flag and lists the valid ones', async () => {
    const { code, err } = await run('train', '--bogus');
    expect(code).toBe(1);
    expect(err).toContain("error: unknown option '--bogus'");
    expect(err).toContain('valid flags: --model, --epochs, --batch-size, --optimizer, --lr');
  });

  it('suggests the flag that was probably meant', async () => {
    const { err } = await run('train', '--epoch', '3');
    expect(err).toContain('(Did you mean --epochs?)');
  });

  it('rejects a model name it does not know and names the valid ones', async () => {
    const { code, err } = await run('train', '--model', 'lenet9');
    expect(code).toBe(1);
    expect(err).toContain(
      `argument 'lenet9' is invalid. Allowed choices are ${MODEL_NAMES.join(', ')}.`,
    );
  });

  it.each([
    [
      ['train', '--epochs', '0'],
      "option '--epochs <n>' argument '0' is invalid. expected a positive integer.",
    ],
    [['train', '--epochs', 'ten'], 'expected a positive integer.'],
    [['train', '--batch-size', '2.5'], 'expected a positive integer.'],
    [['train', '--lr', '-1'], 'expected a number > 0'],
    [['train', '--weight-decay', 'x'], 'expected a number >= 0'],
    [['train', '--train-size', '2q'], 'expected a positive whole number such as 2000 or 2k.'],
    [['train', '--augment', 'rotate'], 'Allowed choices are none, affine, elastic.'],
    [['train', '--optimizer', 'rmsprop'], 'Allowed choices are sdlm, sgd, momentum, adam, adamw.'],
    [['train', '--threads', '999'], 'expected 1..'],
    [['train', '--seed', '-3'], 'expected a non-negative integer.'],
    [['learning-curve', '--sizes', '1k,abc'], '"abc" is not a size'],
    [
      ['reproduce', '--only', 'lenet5,lenet7'],
      `unknown row 'lenet7'; rows are ${REPRODUCE_ROW_IDS.join(', ')}.`,
    ],
  ])('%j is rejected: %s', async (argv, message) => {
    const { code, err } = await run(...argv);
    expect(code).toBe(1);
    expect(err).toContain(message);
  });

  it('rejects an unknown command and lists the commands', async () => {
    const { code, err } = await run('trian');
    expect(code).toBe(1);
    expect(err).toContain("unknown command 'trian'");
    expect(err).toContain('(Did you mean train?)');
    expect(err).toContain('commands: train, eval, predict, reproduce, learning-curve, adder');
  });

  it('requires --model and at least one image for predict', async () => {
    expect((await run('predict', 'a.png')).err).toContain(
      "required option '--model <dir>' not specified",
    );
    expect((await run('predict', '--model', 'runs/x')).err).toContain(
      "missing required argument 'images'",
    );
  });

  it('rejects stray arguments', async () => {
    const { code, err } = await run('train', 'extra');
    expect(code).toBe(1);
    expect(err).toContain('too many arguments');
  });

  it('reports a missing model folder as an error, not a crash', async () => {
    const { code, err } = await run('eval', '--model', '/nonexistent/run');
    expect(code).toBe(1);
    expect(err).toBe(
      'lenet: error: /nonexistent/run: no model.safetensors here; --model takes a folder written by `lenet train --out DIR`\n',
    );
  });
});
