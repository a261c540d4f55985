// The graph of one tanh neuron as Graphviz DOT, with data and grad on every node.
// Run: npx tsx --conditions=@lenet/source examples/graph.ts > neuron.dot && dot -Tsvg neuron.dot > neuron.svg
import { toDot, Value } from '@lenet/autograd-scalar';

const x1 = new Value(2, 'x1');
const x2 = new Value(0, 'x2');
const w1 = new Value(-3, 'w1');
const w2 = new Value(1, 'w2');
const b = new Value(6.881373587, 'b');
const n = x1.mul(w1).add(x2.mul(w2)).add(b);
n.label = 'n';
const o = n.tanh();
o.label = 'o';
o.backward();
process.stdout.write(toDot(o));
