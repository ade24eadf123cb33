// `npm run bench`: performance figures, printed. Not a test: nothing here asserts a time.
//   npm run bench                 all sections
//   npm run bench -- understand   one or more of: understand, channels, ws, handoff, lookups, flows, startup,
//                                 http, turns, applications, insights
// Each section is a file of its own under bench/sections/; the helpers they share are in
// bench/shared.ts (messages, percentile, fmt) and bench/processes.ts (the assistant in a child process).
import { applicationsSection } from './sections/applications.js';
import { channelsSection } from './sections/channels.js';
import { flowsSection } from './sections/flows.js';
import { handoffSection } from './sections/handoff.js';
import { httpSection } from './sections/http.js';
import { insightsSection } from './sections/insights.js';
import { lookupsSection } from './sections/lookups.js';
import { startupSection } from './sections/startup.js';
import { turnsSection } from './sections/turns.js';
import { understandSection } from './sections/understand.js';
import { wsSection } from './sections/ws.js';

/** In the order a whole run prints them. */
const all: Array<[name: string, run: () => Promise<void>]> = [
  ['understand', understandSection],
  ['channels', channelsSection],
  ['handoff', handoffSection],
  ['ws', wsSection],
  ['lookups', lookupsSection],
  ['flows', flowsSection],
  ['startup', startupSection],
  ['http', httpSection],
  ['turns', turnsSection],
  ['applications', applicationsSection],
  ['insights', insightsSection],
];

const sections = process.argv.slice(2);
const want = (name: string) => sections.length === 0 || sections.includes(name);

for (const [name, run] of all) if (want(name)) await run();
