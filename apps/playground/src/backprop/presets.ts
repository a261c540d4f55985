/** Expressions to start from; the first is the page's default. */
export interface Preset {
  title: string;
  expression: string;
  values: string;
}

export const PRESETS: readonly Preset[] = [
  { title: 'z = x*y + x^2', expression: 'z = x*y + x^2', values: 'x=2, y=3' },
  {
    title: 'A neuron: o = tanh(x1*w1 + x2*w2 + b)',
    expression: 'o = tanh(x1*w1 + x2*w2 + b)',
    values: 'x1=2, x2=0, w1=-3, w2=1, b=6.8813735870195432',
  },
  { title: 'L = (a*b + c) * f', expression: 'L = (a*b + c) * f', values: 'a=2, b=-3, c=10, f=-2' },
  {
    title: 'Logistic unit: y = sigmoid(w*x + b)',
    expression: 'y = sigmoid(w*x + b)',
    values: 'w=0.5, x=2, b=-1',
  },
  {
    title: 'Squared error: e = (t - sigmoid(w*x))^2 / 2',
    expression: 'e = (t - sigmoid(w*x))^2 / 2',
    values: 't=1, w=0.3, x=1.5',
  },
  { title: 'Softplus: s = log(1 + exp(x))', expression: 's = log(1 + exp(x))', values: 'x=1' },
];
