/**
 * The state worth sharing lives in the URL hash: `#train?optimizer=adam&lr=0.001`. Each page
 * declares a schema of its parameters; decoding falls back to the default for anything
 * missing or invalid (a hand-edited link never breaks a page), and encoding writes only the
 * values that differ from their defaults (links stay short).
 */

export const PAGES = ['draw', 'train', 'backprop', 'adder', 'distortions', 'results'] as const;
export type Page = (typeof PAGES)[number];

export interface NumberField {
  kind: 'number';
  default: number;
  min: number;
  max: number;
  integer?: boolean;
}
export interface ChoiceField<C extends string = string> {
  kind: 'choice';
  default: C;
  choices: readonly C[];
}
export interface TextField {
  kind: 'text';
  default: string;
  maxLength: number;
}
export interface BooleanField {
  kind: 'boolean';
  default: boolean;
}
export type Field = NumberField | ChoiceField | TextField | BooleanField;
export type Schema = Readonly<Record<string, Field>>;

export type ValueOf<F extends Field> = F extends NumberField
  ? number
  : F extends ChoiceField<infer C>
    ? C
    : F extends BooleanField
      ? boolean
      : string;
export type Values<S extends Schema> = { -readonly [K in keyof S]: ValueOf<S[K]> };

/** Helpers that keep the literal types of choices. */
export const field = {
  number: (defaultValue: number, min: number, max: number, integer = false): NumberField => ({
    kind: 'number',
    default: defaultValue,
    min,
    max,
    integer,
  }),
  choice: <C extends string>(choices: readonly C[], defaultValue: C): ChoiceField<C> => ({
    kind: 'choice',
    default: defaultValue,
    choices,
  }),
  text: (defaultValue: string, maxLength = 200): TextField => ({
    kind: 'text',
    default: defaultValue,
    maxLength,
  }),
  boolean: (defaultValue: boolean): BooleanField => ({ kind: 'boolean', default: defaultValue }),
};

export interface HashState {
  page: Page;
  params: Record<string, string>;
}

/** `#backprop?expr=x*y` -> { page: 'backprop', params: { expr: 'x*y' } }; unknown pages -> draw. */
export function parseHash(hash: string): HashState {
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  const question = text.indexOf('?');
  const pageName = question < 0 ? text : text.slice(0, question);
  const query = question < 0 ? '' : text.slice(question + 1);
  const page = (PAGES as readonly string[]).includes(pageName) ? (pageName as Page) : 'draw';
  const params: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(query)) params[key] = value;
  return { page, params };
}

/** The inverse of `parseHash`; keys in a stable (sorted) order. */
export function formatHash(page: Page, params: Record<string, string> = {}): string {
  const query = new URLSearchParams(Object.entries(params).sort(([a], [b]) => (a < b ? -1 : 1)));
  const text = query.toString();
  return text === '' ? `#${page}` : `#${page}?${text}`;
}

const INVALID = Symbol('invalid');

/** The value `raw` stands for, the default when it is missing, or INVALID. */
function decodeField(definition: Field, raw: string | undefined): unknown {
  if (raw === undefined) return definition.default;
  switch (definition.kind) {
    case 'number': {
      const value = raw.trim() === '' ? Number.NaN : Number(raw);
      if (!Number.isFinite(value)) return INVALID;
      if (definition.integer && !Number.isInteger(value)) return INVALID;
      if (value < definition.min || value > definition.max) return INVALID;
      return value;
    }
    case 'choice':
      return definition.choices.includes(raw) ? raw : INVALID;
    case 'text':
      return raw.length <= definition.maxLength ? raw : INVALID;
    case 'boolean':
      return raw === '1' ? true : raw === '0' ? false : INVALID;
  }
}

/** Typed values for every field of `schema`, each valid (or its default). */
export function decodeParams<S extends Schema>(
  schema: S,
  params: Readonly<Record<string, string>>,
): Values<S> {
  const values: Record<string, unknown> = {};
  for (const [key, definition] of Object.entries(schema)) {
    const value = decodeField(definition, params[key]);
    values[key] = value === INVALID ? definition.default : value;
  }
  return values as Values<S>;
}

/** The URL parameters for `values`: only those that differ from their defaults. */
export function encodeParams<S extends Schema>(
  schema: S,
  values: Partial<Values<S>>,
): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [key, definition] of Object.entries(schema)) {
    const value = (values as Record<string, unknown>)[key];
    if (value === undefined || value === definition.default) continue;
    params[key] = typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
  }
  return params;
}

/** What `definition` accepts, in words, e.g. "an integer from 0 to 9999". */
export function describeField(definition: Field): string {
  switch (definition.kind) {
    case 'number':
      return `${definition.integer ? 'an integer' : 'a number'} from ${definition.min} to ${definition.max}`;
    case 'choice':
      return `one of ${definition.choices.join(', ')}`;
    case 'text':
      return `at most ${definition.maxLength} characters`;
    case 'boolean':
      return '0 or 1';
  }
}

/**
 * The link's values that `decodeParams` replaced by defaults, each as
 * "name=value (expected ...)", so a page can say visibly what it did not use.
 */
export function rejectedParams<S extends Schema>(
  schema: S,
  params: Readonly<Record<string, string>>,
): string[] {
  const rejected: string[] = [];
  for (const [key, definition] of Object.entries(schema)) {
    const raw = params[key];
    if (raw !== undefined && decodeField(definition, raw) === INVALID) {
      rejected.push(`${key}=${raw} (expected ${describeField(definition)})`);
    }
  }
  return rejected;
}
