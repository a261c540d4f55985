// The activations of the fused kernels in WGSL: f(x), and f' written as a function of the
// output y = f(x), as in the reference backend (src/backend/reference/elementwise.ts).
import type { Activation } from '../../../backend.js';

const SCALED_TANH_A = 1.7159;
const SCALED_TANH_S = 2 / 3;

function f32Literal(value: number): string {
  return `${Math.fround(value)}f`;
}

/** `fn activate(x: f32) -> f32` for `activation`. */
export function activateWgsl(activation: Activation): string {
  // tanh's argument is clamped: tanh(15) is 1 in float32, and some drivers lower tanh through
  // exp, which overflows to NaN for large arguments.
  const body: Record<Activation, string> = {
    identity: 'return x;',
    relu: 'return max(x, 0.0);',
    tanh: 'return tanh(clamp(x, -15.0, 15.0));',
    sigmoid:
      'if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); } let e = exp(x); return e / (1.0 + e);',
    scaledTanh: `return ${f32Literal(SCALED_TANH_A)} * tanh(clamp(${f32Literal(SCALED_TANH_S)} * x, -15.0, 15.0));`,
  };
  return `fn activate(x: f32) -> f32 { ${body[activation]} }\n`;
}

/** `fn activationDerivative(y: f32) -> f32`: f' at the pre-activation whose output is y. */
export function activationDerivativeWgsl(activation: Activation): string {
  const body: Record<Activation, string> = {
    identity: 'return 1.0;',
    relu: 'return select(0.0, 1.0, y > 0.0);',
    tanh: 'return 1.0 - y * y;',
    sigmoid: 'return y * (1.0 - y);',
    scaledTanh: `return ${f32Literal(SCALED_TANH_S / SCALED_TANH_A)} * (${f32Literal(SCALED_TANH_A * SCALED_TANH_A)} - y * y);`,
  };
  return `fn activationDerivative(y: f32) -> f32 { ${body[activation]} }\n`;
}
