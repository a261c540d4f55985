/** Softmax and LogSoftmax over the last axis (their curvature rules are the ops'). */
import { logSoftmax, softmax, type Tensor } from '@lenet/tensor';
import { Module } from '../module.js';

export class Softmax extends Module {
  forward(input: Tensor): Tensor {
    return softmax(input, -1);
  }
}

export class LogSoftmax extends Module {
  forward(input: Tensor): Tensor {
    return logSoftmax(input, -1);
  }
}
