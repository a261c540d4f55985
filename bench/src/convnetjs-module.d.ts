declare module 'convnetjs' {
  interface Vol {
    w: Float64Array | number[];
  }
  interface Net {
    makeLayers(definitions: Record<string, unknown>[]): void;
    forward(input: Vol, training?: boolean): Vol;
  }
  interface Trainer {
    train(input: Vol, label: number): unknown;
  }
  const convnetjs: {
    Net: new () => Net;
    Vol: new (width: number, height: number, depth: number, fill?: number) => Vol;
    Trainer: new (net: Net, options: Record<string, unknown>) => Trainer;
  };
  export default convnetjs;
}
