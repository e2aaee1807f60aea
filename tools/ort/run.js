// Runs an ONNX model with ONNX Runtime (npm onnxruntime-node, CPU) for
// kiln's tests: a second, independent reference for whole models.
// stdin:  {"model": PATH, "inputs": {NAME: {"dims": [...], "data": BASE64 of little-endian float32}}}
// stdout: {"outputs": {NAME: {"dims": [...], "data": BASE64}}} in the model's output order.
const ort = require('onnxruntime-node');

async function main() {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  const req = JSON.parse(Buffer.concat(chunks).toString());
  const opts = { executionProviders: ['cpu'], graphOptimizationLevel: 'disabled', intraOpNumThreads: 1 };
  const session = await ort.InferenceSession.create(req.model, opts);
  const feeds = {};
  for (const [name, t] of Object.entries(req.inputs)) {
    const buf = Buffer.from(t.data, 'base64');
    const data = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    feeds[name] = new ort.Tensor('float32', Float32Array.from(data), t.dims);
  }
  const res = await session.run(feeds);
  const out = {};
  for (const name of session.outputNames) {
    const t = res[name];
    if (t.type !== 'float32') throw new Error(`output ${name} is ${t.type}, this driver reads float32 only`);
    out[name] = { dims: Array.from(t.dims), data: Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('base64') };
  }
  process.stdout.write(JSON.stringify({ outputs: out, order: session.outputNames }));
}

main().catch((e) => { console.error(String(e && e.stack || e)); process.exit(1); });
