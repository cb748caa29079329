#!/usr/bin/env node
//===- utils/ort/ort_run.js - run a model with ONNX Runtime ----------------===//
//
// Part of qmlir. Runs an ONNX model with ONNX Runtime's CPU provider on .npy
// inputs and writes each output as NAME.npy, so tests can compare qmlir's
// outputs with ONNX Runtime's; with --benchmark N also prints the median and
// minimum latency of N runs (single thread unless --threads).
//
// usage: ort_run.js MODEL --input NAME=FILE.npy... [--output-dir DIR]
//                   [--benchmark N] [--threads T]
//
//===----------------------------------------------------------------------===//
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

const DTYPES = {
  '<f4': ['float32', Float32Array], '<f8': ['float64', Float64Array],
  '|i1': ['int8', Int8Array], '|u1': ['uint8', Uint8Array],
  '<i2': ['int16', Int16Array], '<u2': ['uint16', Uint16Array],
  '<i4': ['int32', Int32Array], '<u4': ['uint32', Uint32Array],
  '<i8': ['int64', BigInt64Array], '<u8': ['uint64', BigUint64Array],
  '|b1': ['bool', Uint8Array],
};

function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 0, 6) !== '\x93NUMPY')
    throw new Error(`${file}: not a .npy file`);
  const major = buf[6];
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const off = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', off, off + hlen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  if (/'fortran_order':\s*True/.test(header))
    throw new Error(`${file}: Fortran order is not supported`);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1]
      .split(',').map(s => s.trim()).filter(s => s).map(Number);
  const d = DTYPES[descr];
  if (!d) throw new Error(`${file}: unsupported dtype ${descr}`);
  const data = buf.subarray(off + hlen);
  const copy = new Uint8Array(data.length);
  copy.set(data);
  const array = new d[1](copy.buffer);
  return new ort.Tensor(d[0], d[0] === 'bool' ? Uint8Array.from(array) : array,
                        shape);
}

function writeNpy(file, tensor) {
  const descr = Object.keys(DTYPES).find(k => DTYPES[k][0] === tensor.type);
  if (!descr) throw new Error(`cannot write ${tensor.type}`);
  const dims = tensor.dims.join(', ') + (tensor.dims.length === 1 ? ',' : '');
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${dims}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1; head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const data = Buffer.from(tensor.data.buffer, tensor.data.byteOffset,
                           tensor.data.byteLength);
  fs.writeFileSync(file, Buffer.concat([head, Buffer.from(header, 'latin1'), data]));
}

async function main() {
  const args = process.argv.slice(2);
  let model, outDir, bench = 0, threads = 1;
  const feeds = {};
  for (let i = 0; i < args.length; ++i) {
    const a = args[i];
    if (a === '--input') {
      const [name, file] = args[++i].split(/=(.*)/s);
      feeds[name] = readNpy(file);
    } else if (a === '--output-dir') outDir = args[++i];
    else if (a === '--benchmark') bench = Number(args[++i]);
    else if (a === '--threads') threads = Number(args[++i]);
    else if (!model) model = a;
    else throw new Error(`unexpected argument ${a}`);
  }
  if (!model) throw new Error('usage: ort_run.js MODEL --input NAME=FILE.npy ...');
  const session = await ort.InferenceSession.create(model, {
    executionProviders: ['cpu'], intraOpNumThreads: threads,
    interOpNumThreads: 1, graphOptimizationLevel: 'all',
  });
  const results = await session.run(feeds);
  if (outDir) {
    fs.mkdirSync(outDir, {recursive: true});
    for (const name of session.outputNames)
      writeNpy(path.join(outDir, name.replace(/[\/\\]/g, '_') + '.npy'),
               results[name]);
  }
  for (const name of session.outputNames)
    console.log(`output '${name}' ${results[name].type}[${results[name].dims.join('x')}]`);
  if (bench > 0) {
    const times = [];
    for (let r = 0; r < bench; ++r) {
      const t0 = process.hrtime.bigint();
      await session.run(feeds);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    times.sort((a, b) => a - b);
    console.log(`benchmark: ${bench} runs, median ${times[bench >> 1].toFixed(3)} ms, ` +
                `min ${times[0].toFixed(3)} ms`);
  }
}

main().catch(e => { console.error(`error: ${e.message}`); process.exit(1); });
