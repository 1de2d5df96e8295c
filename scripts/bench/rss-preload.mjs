// Loaded with --import by the bench when GNU time is missing: records this
// process's peak RSS (kB, threads included) for the bench to read.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  if (process.env.FWB_BENCH_RSS_FILE) writeFileSync(process.env.FWB_BENCH_RSS_FILE, String(process.resourceUsage().maxRSS));
});
