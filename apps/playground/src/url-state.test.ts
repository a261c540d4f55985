import { describe, expect, it } from 'vitest';
import {
  decodeParams,
  encodeParams,
  field,
  formatHash,
  parseHash,
  rejectedParams,
} from './url-state.js';

const schema = {
  optimizer: field.choice(['sgd', 'adam', 'sdlm'] as const, 'sdlm'),
  lr: field.number(0.01, 1e-6, 10),
  batch: field.number(32, 1, 1024, true),
  expr: field.text('z = x*y + x^2', 20),
  augment: field.boolean(false),
};

describe('parseHash / formatHash', () => {
  it('reads the page and the parameters', () => {
    expect(parseHash('#backprop?expr=x*y%2Bx%5E2&x=2')).toEqual({
      page: 'backprop',
      params: { expr: 'x*y+x^2', x: '2' },
    });
  });

  it('falls back to the draw page for an empty or unknown hash', () => {
    expect(parseHash('')).toEqual({ page: 'draw', params: {} });
    expect(parseHash('#nowhere?a=1')).toEqual({ page: 'draw', params: { a: '1' } });
  });

  it('round-trips any text, with sorted keys', () => {
    const params = { zeta: 'a b&c=d', alpha: 'x^2 + 1/y', digits: '#?%' };
    const hash = formatHash('train', params);
    expect(hash.startsWith('#train?alpha=')).toBe(true);
    expect(parseHash(hash)).toEqual({ page: 'train', params });
  });

  it('writes a bare page when there is nothing to say', () => {
    expect(formatHash('adder')).toBe('#adder');
  });
});

describe('decodeParams / encodeParams', () => {
  it('gives the defaults for missing parameters', () => {
    expect(decodeParams(schema, {})).toEqual({
      optimizer: 'sdlm',
      lr: 0.01,
      batch: 32,
      expr: 'z = x*y + x^2',
      augment: false,
    });
  });

  it('decodes valid values', () => {
    expect(
      decodeParams(schema, {
        optimizer: 'adam',
        lr: '0.001',
        batch: '64',
        expr: 'x^3',
        augment: '1',
      }),
    ).toEqual({ optimizer: 'adam', lr: 0.001, batch: 64, expr: 'x^3', augment: true });
  });

  it('replaces invalid values by their defaults', () => {
    expect(
      decodeParams(schema, {
        optimizer: 'rmsprop',
        lr: '100',
        batch: '2.5',
        expr: 'x'.repeat(21),
        augment: 'yes',
      }),
    ).toEqual(decodeParams(schema, {}));
    expect(decodeParams(schema, { lr: '', batch: 'NaN' })).toMatchObject({ lr: 0.01, batch: 32 });
  });

  it('encodes only what differs from the defaults, and decodes it back', () => {
    const values = { ...decodeParams(schema, {}), optimizer: 'adam' as const, augment: true };
    const params = encodeParams(schema, values);
    expect(params).toEqual({ optimizer: 'adam', augment: '1' });
    expect(decodeParams(schema, params)).toEqual(values);
  });
});

describe('rejectedParams', () => {
  it('names each value the link had that decoding replaced, with what was expected', () => {
    expect(
      rejectedParams(schema, {
        optimizer: 'rmsprop',
        lr: '0.002',
        batch: '7.5',
        expr: 'x'.repeat(21),
        augment: 'yes',
      }),
    ).toEqual([
      'optimizer=rmsprop (expected one of sgd, adam, sdlm)',
      'batch=7.5 (expected an integer from 1 to 1024)',
      `expr=${'x'.repeat(21)} (expected at most 20 characters)`,
      'augment=yes (expected 0 or 1)',
    ]);
  });

  it('accepts valid values, defaults included, and ignores unknown keys', () => {
    expect(rejectedParams(schema, { optimizer: 'sdlm', batch: '1024', other: 'x' })).toEqual([]);
  });
});
