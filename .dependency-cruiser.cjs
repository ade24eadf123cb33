// The layers of DESIGN.md, checked on every `npm test`: contracts → knowledge → flows → bot →
// integrations → app, each importing only from below; channel SDKs only inside their channel.
const ours = '^(contracts|knowledge|flows|bot|integrations|app|widget)/';
const layer = (from, above, comment) => ({
  name: `${from}-imports-only-below`,
  comment,
  severity: 'error',
  from: { path: `^${from}/` },
  to: { path: `^(${above.join('|')})/` },
});

module.exports = {
  forbidden: [
    {
      name: 'contracts-import-nothing-of-ours',
      comment: 'contracts/ is the shared vocabulary: every layer imports it, it imports none of them',
      severity: 'error',
      from: { path: '^contracts/' },
      to: { path: ours, pathNot: '^contracts/' },
    },
    layer('knowledge', ['flows', 'bot', 'integrations', 'app', 'widget'], 'understanding knows no flow, core or channel'),
    layer('flows', ['bot', 'integrations', 'app', 'widget'], 'the runner talks to the core through its ports'),
    layer('bot', ['integrations', 'app', 'widget'], 'the core declares ports; integrations implement them'),
    layer('integrations', ['app', 'widget'], 'only app/ composes the parts'),
    {
      name: 'no-cycle',
      severity: 'error',
      from: { path: ours },
      to: { circular: true },
    },
    {
      name: 'channels-stay-apart',
      comment: 'a channel is its folder: no channel imports another (channel.ts is the shared contract)',
      severity: 'error',
      from: { path: '^integrations/channels/([^/]+)/' },
      to: { path: '^integrations/channels/([^/]+)/', pathNot: '^integrations/channels/$1/' },
    },
    {
      name: 'connectors-and-stores-know-no-channel',
      severity: 'error',
      from: { path: '^integrations/(connectors|stores)/' },
      to: { path: '^integrations/channels/' },
    },
    {
      name: 'slack-sdk-only-in-its-channel',
      severity: 'error',
      from: { path: ours, pathNot: '^integrations/channels/slack/' },
      to: { path: 'node_modules/@slack/' },
    },
    {
      name: 'agents-sdk-only-in-its-channel',
      severity: 'error',
      from: { path: ours, pathNot: '^integrations/channels/botframework/' },
      to: { path: 'node_modules/@microsoft/agents-' },
    },
    {
      name: 'websocket-only-in-the-widget-channel',
      severity: 'error',
      from: { path: ours, pathNot: '^integrations/channels/widget/' },
      to: { path: 'node_modules/(ws|@fastify/websocket)/' },
    },
    {
      name: 'widget-client-imports-only-contracts',
      comment: 'the browser bundle takes its wire types from contracts/, nothing else of the server',
      severity: 'error',
      from: { path: '^widget/' },
      to: { path: ours, pathNot: '^(widget|contracts)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
