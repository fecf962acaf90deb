// Runs SQL in an in-memory DuckDB (npm @duckdb/node-api) for the tests in tests/sql.
//
//   node duckdb_run.mjs SCRIPT
//
// SCRIPT holds blocks, each opened by a line `--@exec` (statements whose results are dropped)
// or `--@query` (one query whose rows are printed). Each row of a query is printed as one line,
// its values separated by tabs (NULL as `\N`), and each query's rows end with a line `--@end`.
// An error prints the failing block's number and DuckDB's message on standard error and exits 1.
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [script] = process.argv.slice(2);
if (!script) {
  process.stderr.write('usage: node duckdb_run.mjs SCRIPT\n');
  process.exit(2);
}
const blocks = [];
for (const line of readFileSync(script, 'utf8').split('\n')) {
  if (line === '--@exec' || line === '--@query') {
    blocks.push({ kind: line.slice(3), text: '' });
  } else if (blocks.length > 0) {
    blocks[blocks.length - 1].text += line + '\n';
  }
}

const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
const out = [];
for (const [index, block] of blocks.entries()) {
  try {
    if (block.kind === 'exec') {
      await connection.run(block.text);
    } else {
      const reader = await connection.runAndReadAll(block.text);
      for (const row of reader.getRows()) {
        out.push(row.map((value) => (value === null ? '\\N' : String(value))).join('\t'));
      }
      out.push('--@end');
    }
  } catch (error) {
    process.stderr.write(`block ${index + 1} (${block.kind}): ${error.message}\n`);
    process.exit(1);
  }
}
process.stdout.write(out.join('\n') + (out.length ? '\n' : ''));
