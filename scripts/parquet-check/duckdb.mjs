// Opens every Parquet file a testdata generate run wrote in DuckDB (through its Node.js bindings) and
// checks the row counts against manifest.json, that a column name has one type in every table, the
// types DuckDB sees for key columns, and that dates, codes and times come back as CPR wrote them.
// Usage: node duckdb.mjs OUTDIR
import { DuckDBInstance } from '@duckdb/node-api'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const dir = process.argv[2]
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))
const want = {
  'persons.parquet': { pnr: 'VARCHAR', birth_date: 'DATE', municipality_code: 'VARCHAR', status_start_date: 'TIMESTAMP',
    birth_date_uncertain: 'BOOLEAN', address_protected: 'BOOLEAN', scenarios: 'VARCHAR[]' },
  '001_person_information.parquet': { pnr: 'VARCHAR', birth_date: 'DATE', status: 'VARCHAR', status_start_date: 'TIMESTAMP',
    birth_date_uncertain: 'BOOLEAN' },
  '002_current_address_information.parquet': { municipality_code: 'VARCHAR', road_code: 'VARCHAR', relocation_date: 'TIMESTAMP' },
  '003_clear_written_address.parquet': { postcode: 'VARCHAR', road_code: 'VARCHAR' },
  '099_events.parquet': { pnr: 'VARCHAR', cpr_update_date: 'TIMESTAMP', event: 'VARCHAR', derived_mark: 'VARCHAR' },
}
const db = await DuckDBInstance.create(':memory:')
const con = await db.connect()
const quote = s => "'" + s.replaceAll("'", "''") + "'"
let failed = 0, files = 0
const seen = {}
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
  for (const [col, type] of Object.entries(types)) { // one name, one type, in every table
    if (!(col in seen)) seen[col] = { type, file: f.name }
    else if (seen[col].type !== type) {
      console.error(`column ${col} is ${type} in ${f.name} and ${seen[col].type} in ${seen[col].file}`)
      failed++
    }
  }
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
// Codes keep CPR's leading zeros; a fact is the same value in persons and in its record's table (the
// status timestamp, time of day included: CPR's wall-clock time, not shifted by a zone).
const p001 = `read_parquet(${quote(join(dir, 'parquet/001_person_information.parquet'))})`
const [{ codes, stamps, times }] = (await con.runAndReadAll(
  `SELECT count(*) FILTER (WHERE length(p.municipality_code) <> 4) AS codes,
          count(*) FILTER (WHERE p.status_start_date IS DISTINCT FROM r.status_start_date) AS stamps,
          count(DISTINCT strftime(p.status_start_date, '%H:%M')) AS times
   FROM ${persons} p JOIN ${p001} r USING (pnr)`)).getRowObjects()
if (Number(codes) !== 0 || Number(stamps) !== 0 || Number(times) < 10) {
  console.error(`persons.parquet: ${codes} municipality codes not of four digits, ${stamps} status timestamps unlike 001's, ${times} times of day`)
  failed++
}
if (files === 0) {
  console.error('no Parquet files in the manifest')
  failed++
}
console.log(`DuckDB read ${files} Parquet files: ${failed ? failed + ' problems' : 'all rows and types as expected'}`)
process.exit(failed ? 1 : 0)
