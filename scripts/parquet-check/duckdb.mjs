// Opens every Parquet file a testdata generate run wrote in DuckDB (through its Node.js bindings) and
// checks the row counts against manifest.json, the column types DuckDB sees for key columns, and that
// dates and codes come back as values, not text.
// Usage: node duckdb.mjs OUTDIR
import { DuckDBInstance } from '@duckdb/node-api'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const dir = process.argv[2]
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))
const want = {
  'persons.parquet': { pnr: 'VARCHAR', birth_date: 'DATE', municipality_code: 'INTEGER' },
  '001_person_information.parquet': { pnr: 'VARCHAR', birthdate: 'DATE', status: 'INTEGER', status_start_date: 'TIMESTAMP WITH TIME ZONE' },
  '099_events.parquet': { pnr: 'VARCHAR', cpr_update_date: 'TIMESTAMP WITH TIME ZONE', event: 'VARCHAR', derived_mark: 'VARCHAR' },
}
const db = await DuckDBInstance.create(':memory:')
const con = await db.connect()
const quote = s => "'" + s.replaceAll("'", "''") + "'"
let failed = 0, files = 0
for (const f of manifest.files.filter(f => f.name.endsWith('.parquet'))) {
  const src = `read_parquet(${quote(join(dir, f.name))})`
  const [{ n }] = (await con.runAndReadAll(`SELECT count(*) AS n FROM ${src}`)).getRowObjects()
  files++
  if (Number(n) !== f.records) {
    console.error(`${f.name}: DuckDB counts ${n} rows, the manifest says ${f.records}`)
    failed++
  }
  const types = Object.fromEntries((await con.runAndReadAll(`DESCRIBE SELECT * FROM ${src}`)).getRowObjects()
    .map(r => [r.column_name, r.column_type]))
  for (const [col, type] of Object.entries(want[f.name.split('/').pop()] ?? {})) {
    if (types[col] !== type) {
      console.error(`${f.name}: DuckDB reads column ${col} as ${types[col]}, want ${type}`)
      failed++
    }
  }
}
// Values, not only types: no one is born after the as-of date.
const persons = `read_parquet(${quote(join(dir, 'parquet/persons.parquet'))})`
const [{ late }] = (await con.runAndReadAll(
  `SELECT count(*) AS late FROM ${persons} WHERE birth_date > DATE ${quote(manifest.as_of)}`)).getRowObjects()
if (Number(late) !== 0) {
  console.error(`persons.parquet: ${late} persons born after the as-of date ${manifest.as_of}`)
  failed++
}
if (files === 0) {
  console.error('no Parquet files in the manifest')
  failed++
}
console.log(`DuckDB read ${files} Parquet files: ${failed ? failed + ' problems' : 'all rows and types as expected'}`)
process.exit(failed ? 1 : 0)
