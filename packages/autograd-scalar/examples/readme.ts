import { add, div, mul, Value } from '@lenet/autograd-scalar';

const a = new Value(-4);
const b = new Value(2);
let c = a.add(b);
let d = a.mul(b).add(b.pow(3));
c = c.add(c.add(1));
c = c.add(add(1, c).add(a.neg()));
d = d.add(d.mul(2).add(b.add(a).relu()));
d = d.add(mul(3, d).add(b.sub(a).relu()));
const e = c.sub(d);
const f = e.pow(2);
let g = f.div(2);
g = g.add(div(10, f));
console.log(g.data.toFixed(4)); // 24.7041, the forward pass
g.backward();
console.log(a.grad.toFixed(4)); // 138.8338, dg/da
console.log(b.grad.toFixed(4)); // 645.5773, dg/db
