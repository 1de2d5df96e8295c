// The accuracy-cli bench's floor (issue 14, target 1): the leanest command a Node
// process could be that answers from the same kept figures. It loads better-sqlite3,
// opens the workbook, reads the cells' totals (the rows the unfiltered
// stairstep and slices are computed from), prints how many and ends; it computes no
// metric, interval or text. What seven of these take is the least any command run
// as `node FILE` could take on this machine, whatever fwb does.
'use strict';
// CommonJS, as bin/fwb.cjs: Node starts it without its ES module loader.
const Database = process.getBuiltinModule('node:module').createRequire(__filename)('better-sqlite3');

// Opened for writing, though it only reads: as the last connection to close, it then removes the -wal and -shm
// it made, leaving the folder as it found it, as fwb's read-only look does (with a second, writing open).
const db = new Database(process.argv[2], { fileMustExist: true });
const rows = db.prepare('SELECT * FROM accuracy_cell_totals').raw().all();
db.close();
process.stdout.write(`${JSON.stringify({ rows: rows.length })}\n`);
