#!/usr/bin/env node
// An alias of bin/fwb.cjs, the command as installed, for scripts that still name this file.
import './fwb.cjs';
