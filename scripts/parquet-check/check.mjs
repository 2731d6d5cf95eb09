// Reads every Parquet file a testdata generate run wrote, with hyparquet (an independent reader), and
// checks the row counts against manifest.json and the logical types of key columns.
// Usage: node check.mjs OUTDIR
import { parquetReadObjects, parquetMetadataAsync } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const dir = process.argv[2]
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))
const want = { 'persons.parquet': { birth_date: 'DATE', municipality_code: 'STRING', pnr: 'STRING', birth_date_uncertain: 'BOOLEAN' },
  '001_person_information.parquet': { birth_date: 'DATE', status_start_date: 'TIMESTAMP', status: 'STRING' },
  '099_events.parquet': { pnr: 'STRING', cpr_update_date: 'TIMESTAMP', event: 'STRING', derived_mark: 'STRING' } }
let failed = 0, files = 0
for (const f of manifest.files.filter(f => f.name.endsWith('.parquet'))) {
  const buf = readFileSync(join(dir, f.name))
  const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)
  const meta = await parquetMetadataAsync(file)
  const rows = await parquetReadObjects({ file, compressors })
  files++
  if (rows.length !== f.records || Number(meta.num_rows) !== f.records) {
    console.error(`${f.name}: ${rows.length} rows read, ${meta.num_rows} in the footer, the manifest says ${f.records}`)
    failed++
  }
  const base = f.name.split('/').pop()
  for (const [col, type] of Object.entries(want[base] ?? {})) {
    const s = meta.schema.find(s => s.name === col)
    const got = s?.logical_type?.type ?? s?.converted_type ?? s?.type
    if (got === 'TIMESTAMP' && s.logical_type.isAdjustedToUTC !== false) {
      console.error(`${f.name}: column ${col} is a timestamp adjusted to UTC; CPR's times are local`)
      failed++
    }
    if (got !== type) {
      console.error(`${f.name}: column ${col} is ${got}, want ${type}`)
      failed++
    }
  }
}
if (files === 0) {
  console.error('no Parquet files in the manifest')
  failed++
}
console.log(`hyparquet read ${files} Parquet files: ${failed ? failed + ' problems' : 'all rows and types as expected'}`)
process.exit(failed ? 1 : 0)
