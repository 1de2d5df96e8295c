// Numbered, append-only migrations; the schema version is PRAGMA user_version,
// which equals the number of migrations applied.
import m001 from './001-init';
import m002 from './002-accuracy';
import m003 from './003-passphrases';
import m004 from './004-accuracy-benchmark-once';
import m005 from './005-import-undo';
import m006 from './006-imported-history';
import m007 from './007-imports-in-progress';
import m008 from './008-source-edits';
import m009 from './009-team-link';
import m010 from './010-team-journal';
import m011 from './011-team-audit';
import m012 from './012-accuracy-override-rollup';
import m013 from './013-exception-reasons-on-read';
import m014 from './014-policy-lab-adoptions';
import m015 from './015-policy-enforcement';
import m016 from './016-team-publications';
import m017 from './017-exception-order';
import m018 from './018-team-changes';
import m019 from './019-accuracy-reads-in-order';
import m020 from './020-team-item-changes';
import m021 from './021-accuracy-cell-totals';

export const MIGRATIONS: readonly string[] = [m001, m002, m003, m004, m005, m006, m007, m008, m009, m010, m011, m012, m013, m014, m015, m016, m017, m018, m019, m020, m021];
export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;
