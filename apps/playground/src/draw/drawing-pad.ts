/** A canvas to draw on with mouse, pen or touch (pointer events), reporting changes. */

export const PAD_SIZE = 280;
/** About the stroke width of MNIST digits once the digit is scaled to 20 pixels. */
const STROKE_WIDTH = 20;

export interface DrawingPad {
  element: HTMLCanvasElement;
  clear(): void;
  /** Ink in [0, 1] per pixel (the alpha channel), PAD_SIZE x PAD_SIZE. */
  ink(): Float32Array;
  /** Paints a 28x28 image (values 0..1) enlarged into the pad, as if it had been drawn. */
  showImage(image: ArrayLike<number>, size: number): void;
  isEmpty(): boolean;
}

export function createDrawingPad(onChange: (final: boolean) => void): DrawingPad {
  const canvas = document.createElement('canvas');
  canvas.width = PAD_SIZE;
  canvas.height = PAD_SIZE;
  canvas.className = 'drawing-pad';
  canvas.tabIndex = 0;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute(
    'aria-label',
    'Drawing area: draw a digit with the mouse, a pen or a finger. Press Delete or Escape to clear.',
  );
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  let drawing = false;
  let last: { x: number; y: number } | null = null;
  let empty = true;

  const position = (event: PointerEvent) => {
    const rect = canvas.getBoundingClientRect();
    return {
      x: ((event.clientX - rect.left) / rect.width) * PAD_SIZE,
      y: ((event.clientY - rect.top) / rect.height) * PAD_SIZE,
    };
  };

  const stroke = (to: { x: number; y: number }) => {
    context.strokeStyle = '#000';
    context.fillStyle = '#000';
    context.lineWidth = STROKE_WIDTH;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.beginPath();
    if (last) {
      context.moveTo(last.x, last.y);
      context.lineTo(to.x, to.y);
      context.stroke();
    } else {
      context.arc(to.x, to.y, STROKE_WIDTH / 2, 0, 2 * Math.PI);
      context.fill();
    }
    last = to;
    empty = false;
  };

  canvas.addEventListener('pointerdown', (event) => {
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    drawing = true;
    last = null;
    stroke(position(event));
    onChange(false);
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!drawing) return;
    event.preventDefault();
    const events = event.getCoalescedEvents?.() ?? [event];
    for (const item of events.length > 0 ? events : [event]) stroke(position(item));
    onChange(false);
  });
  const end = () => {
    if (!drawing) return;
    drawing = false;
    last = null;
    onChange(true);
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  canvas.addEventListener('keydown', (event) => {
    if (event.key === 'Delete' || event.key === 'Escape' || event.key === 'Backspace') {
      event.preventDefault();
      pad.clear();
      onChange(true);
    }
  });

  const pad: DrawingPad = {
    element: canvas,
    clear() {
      context.clearRect(0, 0, PAD_SIZE, PAD_SIZE);
      empty = true;
    },
    ink() {
      const pixels = context.getImageData(0, 0, PAD_SIZE, PAD_SIZE).data;
      const ink = new Float32Array(PAD_SIZE * PAD_SIZE);
      for (let i = 0; i < ink.length; i++) ink[i] = pixels[4 * i + 3] / 255;
      return ink;
    },
    showImage(image, size) {
      const small = document.createElement('canvas');
      small.width = size;
      small.height = size;
      const data = new ImageData(size, size);
      for (let i = 0; i < size * size; i++) data.data[4 * i + 3] = Math.round(255 * image[i]);
      small.getContext('2d')!.putImageData(data, 0, 0);
      context.clearRect(0, 0, PAD_SIZE, PAD_SIZE);
      // Each pixel of the test image a sharp 10x10 square: exactly what the network reads.
      context.imageSmoothingEnabled = false;
      context.drawImage(small, 0, 0, PAD_SIZE, PAD_SIZE);
      context.imageSmoothingEnabled = true;
      empty = false;
    },
    isEmpty: () => empty,
  };
  return pad;
}
