/**
 * A small expression language for the Backprop page: `z = x*y + x^2`, with + - * / ^,
 * unary minus, parentheses, numbers, variables and the functions exp, log, tanh, sigmoid and
 * relu. Parsed by recursive descent into a tree, then built into `Value`s of
 * @lenet/autograd-scalar; a variable used twice is one leaf, so its gradients add up.
 */
import { Value } from '@lenet/autograd-scalar';

export type Expression =
  | { kind: 'number'; value: number }
  | { kind: 'variable'; name: string }
  | { kind: 'unary'; op: 'neg'; operand: Expression }
  | { kind: 'binary'; op: '+' | '-' | '*' | '/'; left: Expression; right: Expression }
  | { kind: 'power'; base: Expression; exponent: number }
  | { kind: 'call'; name: FunctionName; argument: Expression };

export const FUNCTIONS = ['exp', 'log', 'tanh', 'sigmoid', 'relu'] as const;
export type FunctionName = (typeof FUNCTIONS)[number];

export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
  /** Character offset of the problem in the source text. */
  readonly position: number;

  constructor(message: string, position: number) {
    super(message);
    this.position = position;
  }
}

interface Token {
  kind: 'number' | 'name' | 'symbol' | 'end';
  text: string;
  position: number;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const character = source[i];
    if (/\s/.test(character)) {
      i++;
      continue;
    }
    const rest = source.slice(i);
    const number = /^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?/i.exec(rest);
    const name = /^[A-Za-z_][A-Za-z_0-9]*/.exec(rest);
    if (number) {
      tokens.push({ kind: 'number', text: number[0], position: i });
      i += number[0].length;
    } else if (name) {
      tokens.push({ kind: 'name', text: name[0], position: i });
      i += name[0].length;
    } else if (rest.startsWith('**')) {
      tokens.push({ kind: 'symbol', text: '^', position: i });
      i += 2;
    } else if ('+-*/^()='.includes(character)) {
      tokens.push({ kind: 'symbol', text: character, position: i });
      i++;
    } else {
      throw new ExpressionError(`unexpected character '${character}' at ${i + 1}`, i);
    }
  }
  tokens.push({ kind: 'end', text: '', position: source.length });
  return tokens;
}

export interface ParsedEquation {
  /** The name before '=', or 'out' when there is none. */
  name: string;
  expression: Expression;
}

/** Parses `name = expression` or a bare expression. */
export function parseEquation(source: string): ParsedEquation {
  const tokens = tokenize(source);
  let index = 0;
  const peek = () => tokens[index];
  const next = () => tokens[index++];
  const describe = (token: Token) => (token.kind === 'end' ? 'the end' : `'${token.text}'`);
  const expect = (text: string) => {
    const token = next();
    if (token.text !== text || token.kind !== 'symbol') {
      throw new ExpressionError(
        `expected '${text}' at ${token.position + 1}, found ${describe(token)}`,
        token.position,
      );
    }
  };

  let name = 'out';
  if (tokens[0].kind === 'name' && tokens[1].text === '=' && tokens[1].kind === 'symbol') {
    name = tokens[0].text;
    index = 2;
  }

  const parseSum = (): Expression => {
    let left = parseProduct();
    while (peek().kind === 'symbol' && (peek().text === '+' || peek().text === '-')) {
      const op = next().text as '+' | '-';
      left = { kind: 'binary', op, left, right: parseProduct() };
    }
    return left;
  };
  const parseProduct = (): Expression => {
    let left = parseUnary();
    while (peek().kind === 'symbol' && (peek().text === '*' || peek().text === '/')) {
      const op = next().text as '*' | '/';
      left = { kind: 'binary', op, left, right: parseUnary() };
    }
    return left;
  };
  const parseUnary = (): Expression => {
    if (peek().kind === 'symbol' && peek().text === '-') {
      next();
      return { kind: 'unary', op: 'neg', operand: parseUnary() };
    }
    if (peek().kind === 'symbol' && peek().text === '+') {
      next();
      return parseUnary();
    }
    return parsePower();
  };
  const parsePower = (): Expression => {
    const base = parsePrimary();
    if (!(peek().kind === 'symbol' && peek().text === '^')) return base;
    next();
    let sign = 1;
    if (peek().kind === 'symbol' && peek().text === '-') {
      next();
      sign = -1;
    }
    const token = next();
    if (token.kind !== 'number') {
      throw new ExpressionError(
        `the exponent at ${token.position + 1} must be a number (powers take a constant exponent), found ${describe(token)}`,
        token.position,
      );
    }
    return { kind: 'power', base, exponent: sign * Number(token.text) };
  };
  const parsePrimary = (): Expression => {
    const token = next();
    if (token.kind === 'number') return { kind: 'number', value: Number(token.text) };
    if (token.kind === 'name') {
      if ((FUNCTIONS as readonly string[]).includes(token.text)) {
        expect('(');
        const argument = parseSum();
        expect(')');
        return { kind: 'call', name: token.text as FunctionName, argument };
      }
      if (peek().kind === 'symbol' && peek().text === '(') {
        throw new ExpressionError(
          `unknown function '${token.text}' at ${token.position + 1}; known: ${FUNCTIONS.join(', ')}`,
          token.position,
        );
      }
      return { kind: 'variable', name: token.text };
    }
    if (token.kind === 'symbol' && token.text === '(') {
      const inner = parseSum();
      expect(')');
      return inner;
    }
    throw new ExpressionError(
      `expected a number, a variable, a function or '(' at ${token.position + 1}, found ${describe(token)}`,
      token.position,
    );
  };

  const expression = parseSum();
  const rest = peek();
  if (rest.kind !== 'end') {
    throw new ExpressionError(
      `unexpected ${describe(rest)} at ${rest.position + 1}`,
      rest.position,
    );
  }
  return { name, expression };
}

/** Variables in order of first appearance. */
export function variablesOf(expression: Expression): string[] {
  const names: string[] = [];
  const visit = (node: Expression): void => {
    switch (node.kind) {
      case 'variable':
        if (!names.includes(node.name)) names.push(node.name);
        break;
      case 'unary':
        visit(node.operand);
        break;
      case 'binary':
        visit(node.left);
        visit(node.right);
        break;
      case 'power':
        visit(node.base);
        break;
      case 'call':
        visit(node.argument);
        break;
      case 'number':
        break;
    }
  };
  visit(expression);
  return names;
}

/** `x=2, y=3` (commas, semicolons or spaces between) -> { x: 2, y: 3 }. */
export function parseAssignments(source: string): Record<string, number> {
  const values: Record<string, number> = {};
  for (const part of source.split(/[,;\s]+/).filter((text) => text !== '')) {
    const match = /^([A-Za-z_][A-Za-z_0-9]*)=(.+)$/.exec(part);
    const value = match ? Number(match[2]) : Number.NaN;
    if (!match || !Number.isFinite(value)) {
      throw new ExpressionError(`values: expected name=number, found '${part}'`, 0);
    }
    values[match[1]] = value;
  }
  return values;
}

/** Builds the `Value` graph: leaves labelled by variable names, the root by `name`. */
export function buildValue(
  equation: ParsedEquation,
  values: Readonly<Record<string, number>>,
): Value {
  const leaves = new Map<string, Value>();
  const build = (node: Expression): Value => {
    switch (node.kind) {
      case 'number':
        return new Value(node.value, String(node.value));
      case 'variable': {
        let leaf = leaves.get(node.name);
        if (!leaf) {
          const value = values[node.name];
          if (value === undefined) {
            throw new ExpressionError(
              `no value for '${node.name}': add ${node.name}=... to the values`,
              0,
            );
          }
          leaf = new Value(value, node.name);
          leaves.set(node.name, leaf);
        }
        return leaf;
      }
      case 'unary':
        return build(node.operand).neg();
      case 'binary': {
        const left = build(node.left);
        const right = build(node.right);
        if (node.op === '+') return left.add(right);
        if (node.op === '-') return left.sub(right);
        if (node.op === '*') return left.mul(right);
        return left.div(right);
      }
      case 'power':
        return build(node.base).pow(node.exponent);
      case 'call':
        return build(node.argument)[node.name]();
    }
  };
  const root = build(equation.expression);
  // Only a computed root takes the name; a bare variable keeps its own.
  if (root.op !== '') root.label = equation.name;
  return root;
}
