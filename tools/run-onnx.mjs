// Runs an ONNX model in ONNX Runtime (npm onnxruntime-node, CPU) on raw
// float32 little-endian NHWC images and prints the first output as JSON:
//   node tools/run-onnx.mjs MODEL.onnx IMAGES.f32 N SIZE
// Used by curate's weights tests to check `curate weights export --format onnx`.
import { readFileSync } from "node:fs";
import * as ort from "onnxruntime-node";

const [model, images, n, size] = process.argv.slice(2);
if (!size) {
  console.error("usage: node tools/run-onnx.mjs MODEL.onnx IMAGES.f32 N SIZE");
  process.exit(2);
}
const buf = readFileSync(images);
const data = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
const N = Number(n), S = Number(size);
if (data.length !== N * S * S * 3) {
  console.error(`run-onnx: ${images} holds ${data.length} floats, want ${N}x${S}x${S}x3`);
  process.exit(1);
}
// One thread: the test's model is small, and spinning pool threads crawl on a loaded machine.
const session = await ort.InferenceSession.create(model, { executionProviders: ["cpu"], intraOpNumThreads: 1, interOpNumThreads: 1 });
const feeds = { [session.inputNames[0]]: new ort.Tensor("float32", data, [N, S, S, 3]) };
const out = await session.run(feeds);
const y = out[session.outputNames[0]];
console.log(JSON.stringify({ input: session.inputNames[0], output: session.outputNames[0], dims: y.dims, data: Array.from(y.data) }));
