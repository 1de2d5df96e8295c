// `tsx test/helpers/make-planted-workbook.ts FILE [ITEMS]`: the planted workbook
// (planted-workbook.ts) as a file, for browser tests whose set-up is synchronous.
import { openWorkbook } from '../../electron/backend/db/open';
import { fillPlantedWorkbook } from './planted-workbook';
import { FIXED_NOW } from './workbook';

const [path, items] = process.argv.slice(2);
if (!path) throw new Error('usage: make-planted-workbook FILE [ITEMS]');
const { db } = await openWorkbook(path, { now: FIXED_NOW });
const planted = fillPlantedWorkbook(db, { items: items ? Number(items) : undefined });
db.close();
process.stdout.write(`${JSON.stringify(planted)}\n`);
