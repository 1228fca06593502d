// check-arrow.mjs reads curate datasets with an independent Arrow
// implementation (the npm apache-arrow package) and checks what Hugging Face
// `datasets` relies on: the save_to_disk layout, the Arrow IPC stream schema,
// the `huggingface` schema metadata, row counts, and that image bytes decode.
//
// usage: node tools/check-arrow.mjs DATASET_DIR [DATASET_DIR...]
// A DATASET_DIR is a DatasetDict (dataset_dict.json) or one split directory.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC, Type } from 'apache-arrow';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

let failures = 0;
function fail(msg) { failures++; console.error(`FAIL ${msg}`); }
function check(cond, msg) { if (!cond) fail(msg); return cond; }

function decodeImage(bytes, where) {
  const b = Buffer.from(bytes);
  try {
    if (b[0] === 0xff && b[1] === 0xd8) {
      const img = jpeg.decode(b, { useTArray: true, maxMemoryUsageInMB: 256 });
      return check(img.width > 0 && img.height > 0, `${where}: JPEG without pixels`) ? [img.width, img.height] : null;
    }
    if (b.slice(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
      const img = PNG.sync.read(b);
      return [img.width, img.height];
    }
    if (b.slice(0, 4).toString('latin1') === 'GIF8' || b.slice(8, 12).toString('latin1') === 'WEBP') {
      return [0, 0]; // no pure-JS decoder installed for these; magic checked
    }
    fail(`${where}: image bytes are not JPEG, PNG, GIF or WebP`);
  } catch (e) {
    fail(`${where}: image does not decode: ${e.message}`);
  }
  return null;
}

function checkSplit(dir, name) {
  const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
  const info = JSON.parse(readFileSync(join(dir, 'dataset_info.json'), 'utf8'));
  check(state._split === name, `${dir}/state.json: _split is ${state._split}, want ${name}`);
  check(state._format_type === null && state._output_all_columns === false, `${dir}/state.json: format fields`);
  check(Array.isArray(state._data_files) && state._data_files.length > 0, `${dir}/state.json: _data_files`);
  let rows = 0, decoded = 0;
  state._data_files.forEach(({ filename }, i) => {
    const want = `data-${String(i).padStart(5, '0')}-of-${String(state._data_files.length).padStart(5, '0')}.arrow`;
    check(filename === want, `${dir}: shard ${i} named ${filename}, want ${want}`);
    const path = join(dir, filename);
    const buf = readFileSync(path);
    // Stream format: starts with a continuation marker, not the "ARROW1" file magic.
    check(buf.readUInt32LE(0) === 0xffffffff, `${path}: not an Arrow IPC stream`);
    const table = tableFromIPC(buf);
    const f = Object.fromEntries(table.schema.fields.map((x) => [x.name, x]));
    if (check(f.image, `${path}: no image column`)) {
      const img = f.image.type;
      check(img.typeId === Type.Struct && img.children.length === 2 &&
        img.children[0].name === 'bytes' && img.children[0].type.typeId === Type.Binary &&
        img.children[1].name === 'path' && img.children[1].type.typeId === Type.Utf8,
        `${path}: image is ${img}, want Struct<bytes: Binary, path: Utf8>`);
    }
    if (check(f.label, `${path}: no label column`)) {
      check(f.label.type.typeId === Type.Int && f.label.type.bitWidth === 64 && f.label.type.isSigned,
        `${path}: label is ${f.label.type}, want Int64`);
    }
    for (const x of table.schema.fields) check(x.nullable, `${path}: field ${x.name} not nullable`);
    const hf = table.schema.metadata.get('huggingface');
    if (check(hf, `${path}: no huggingface schema metadata`)) {
      const md = JSON.parse(hf);
      const feats = md.info.features;
      check(feats.image && feats.image._type === 'Image', `${path}: image feature ${JSON.stringify(feats.image)}`);
      check(JSON.stringify(feats.label) === JSON.stringify(info.features.label),
        `${path}: label feature differs from dataset_info.json`);
      for (const name of Object.keys(feats)) check(f[name], `${path}: feature ${name} has no column`);
    }
    for (const batch of table.batches) check(batch.numRows <= 1000, `${path}: record batch of ${batch.numRows} rows`);
    const images = table.getChild('image');
    const bytesCol = images.getChild('bytes');
    const widths = table.getChild('width');
    for (let r = 0; r < table.numRows; r++) {
      const bytes = bytesCol.get(r);
      if (!check(bytes && bytes.length > 0, `${path}: row ${r} has no image bytes`)) continue;
      const wh = decodeImage(bytes, `${path} row ${r}`);
      if (wh && wh[0] > 0) {
        decoded++;
        if (widths && name !== 'fetch' && f.format === undefined) check(widths.get(r) === wh[0], `${path} row ${r}: width`);
      }
    }
    rows += table.numRows;
  });
  console.log(`ok ${dir}: split ${name}, ${rows} rows in ${state._data_files.length} shard(s), ${decoded} images decoded`);
  return rows;
}

const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  console.error('usage: node tools/check-arrow.mjs DATASET_DIR [DATASET_DIR...]');
  process.exit(2);
}
for (const dir of dirs) {
  const dict = join(dir, 'dataset_dict.json');
  if (existsSync(dict)) {
    const { splits } = JSON.parse(readFileSync(dict, 'utf8'));
    check(Array.isArray(splits) && splits.length > 0, `${dict}: no splits`);
    for (const s of splits) checkSplit(join(dir, s), s);
  } else {
    const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
    checkSplit(dir, state._split);
  }
}
if (failures > 0) {
  console.error(`${failures} check(s) failed`);
  process.exit(1);
}
