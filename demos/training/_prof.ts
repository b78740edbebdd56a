// Scratch: profile one training step of the bench's large LSTM (I128 H256 B32 T20) in Node.
import { createNodeEngine, layers, sequential } from '../../src/node.ts';
const variant = process.argv[2];
const engine = await createNodeEngine(variant ? { variants: { recurrentTrain: variant as never } } : {});
const [B, T, I, H] = [32, 20, 128, 256];
const m = sequential([layers.lstm({ units: H }), layers.dense({ units: 1, activation: 'sigmoid' })], { inputShape: [T, I] });
const t = engine.compile(m, { optimizer: 'adam', loss: 'binaryCrossentropy' });
const x = { data: Float32Array.from({ length: B * T * I }, (_, i) => Math.sin(i)), shape: [B, T, I] };
const y = Float32Array.from({ length: B }, (_, i) => i % 2);
for (let i = 0; i < 3; i++) await t.trainOnBatch(x, y);
const rounds: number[] = [];
for (let i = 0; i < 5; i++) { const t0 = performance.now(); await t.trainOnBatch(x, y); rounds.push(performance.now() - t0); }
console.log('trainOnBatch ms', rounds.map((r) => r.toFixed(0)).join(' '));
const p = await t.profileStep(x, y);
const rows = [...p.entries].sort((a, b) => b.gpuMs - a.gpuMs).slice(0, 12);
for (const r of rows) console.log(r.gpuMs.toFixed(1).padStart(7), r.node, r.op);
console.log('total', p.entries.reduce((s, r) => s + r.gpuMs, 0).toFixed(1));
process.exit(0);
