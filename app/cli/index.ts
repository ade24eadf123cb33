import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FlowProblems, flowToMarkdown, loadFlows } from '../../flows/engine/index.js';
import { ContentProblems, loadContent, projectRoot, WorkingDays } from '../../knowledge/index.js';
import { type App, createApp } from '../app.js';
import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { APPLICATIONS_USAGE, applicationsCommand } from './applications.js';
import { AUDIT_USAGE, audit } from './audit.js';
import { runEval } from './eval.js';
import { INSIGHTS_USAGE, insights } from './insights.js';
import { LOOKUP_EXIT, lookupExitCode, lookupRecord, lookupReport } from './lookup.js';
import { renderReplies } from './render.js';
import { TICKETS_USAGE, tickets } from './tickets.js';

const USAGE = `Usage: npm run --silent cli -- <command> [options]

Commands:
  ask "TEXT" [--json] [--locale zh|en] [--conversation ID] [--action ACTION]
                      Ask the assistant; prints the reply (or the structured result with --json)
  eval FILE.jsonl     Understand each line's "text"; writes one JSON line per input line
  check               Validate all content (articles, intents, messages, policy, flows)
  lookup REFERENCE [--json] [--locale zh|en]
                      The live status of a payment and its refunds (as an operator: no proof asked);
                      exits 0 found, 3 no such payment, 4 the acquirer did not answer
  graph               Write each troubleshooting flow as a Mermaid diagram to docs/flows/*.md
${TICKETS_USAGE}${APPLICATIONS_USAGE}${AUDIT_USAGE}${INSIGHTS_USAGE}`;

async function withApp<T>(fn: (app: App) => Promise<T>): Promise<T> {
  // with no acquirer configured, a running server's sandbox is the acquirer (its refunds are the
  // ones to show); without a server, a sandbox of the CLI's own on any free port
  const config = loadConfig(process.env);
  // stdout belongs to the command's output; logs go to stderr, and only warnings.
  const logger = createLogger(process.env.LOG_LEVEL ? config.LOG_LEVEL : 'warn', undefined, 2);
  const app = await createApp(config, logger, { joinRunningSandbox: true });
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

async function ask(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      locale: { type: 'string' },
      conversation: { type: 'string' },
      action: { type: 'string' },
    },
  });
  const text = positionals.join(' ');
  if (!text && !values.action) {
    process.stderr.write('ask needs the text of a message, for example: ask "退款多久到账"\n');
    return 2;
  }
  const locale = values.locale === 'en' || values.locale === 'zh' ? values.locale : undefined;
  return withApp(async (app) => {
    const result = await app.assistant.turn({
      conversationId: values.conversation,
      ...(values.action ? { action: values.action } : { text }),
      locale,
      channel: 'cli',
    });
    if (values.json) {
      const u = result.understanding;
      const summary = {
        conversationId: result.conversationId,
        lang: result.lang,
        decision: result.decision,
        ...(u && { intent: u.intent, entities: u.entities, hits: u.hits }),
        replies: result.replies,
      };
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    } else {
      process.stdout.write(`${renderReplies(result.replies, process.stdout.isTTY)}\n`);
      // so the next `ask --conversation ID` carries on (stderr: stdout is the reply only)
      process.stderr.write(`(conversation ${result.conversationId})\n`);
    }
    return 0;
  });
}

/**
 * The live status of one reference, as an operator at a terminal sees it (no proof asked): a plain
 * report, or `--json` the record. Exits 0 found, 3 not found, 4 acquirer unavailable, 2 usage.
 */
async function lookup(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, locale: { type: 'string' } },
  });
  const reference = positionals[0]?.replace(/\s/g, '');
  if (!reference || !/^\d{12}$/.test(reference)) {
    process.stderr.write('lookup needs a 12-digit reference number, for example: lookup 261118000004\n');
    return LOOKUP_EXIT.usage;
  }
  const lang = values.locale === 'en' ? 'en' : 'zh';
  return withApp(async (app) => {
    const requester = { channel: 'cli', role: 'operator' as const, conversationId: 'cli' };
    const answer = await app.lookups.status({ reference }, requester, 'transaction');
    const report = {
      reference,
      answer,
      lang,
      now: app.clock(),
      gateway: app.acquirer.gateway.name,
      deps: {
        say: app.assistant.say,
        calendar: new WorkingDays(),
        arrivalMethods: app.content.arrivalMethods,
      },
    } as const;
    if (values.json) process.stdout.write(`${JSON.stringify(lookupRecord(report), null, 2)}\n`);
    // found: the report is the output; otherwise the one sentence goes where errors go
    else if (answer.outcome === 'found') process.stdout.write(`${lookupReport(report)}\n`);
    else process.stderr.write(`${lookupReport(report)}\n`);
    return lookupExitCode(answer.outcome);
  });
}

function check(): number {
  try {
    const content = loadContent();
    const flows = loadFlows({ articleIds: new Set(content.articles.map((a) => a.id)) });
    const perLang = (lang: 'zh' | 'en') =>
      Object.values(content.examples[lang]).reduce((n, l) => n + (l?.length ?? 0), 0);
    const nodes = flows.reduce((n, f) => n + Object.keys(f.nodes).length, 0);
    process.stdout.write(
      `content OK: ${content.articles.length / 2} articles in zh and en, ${content.intents.length} intents, ` +
        `${perLang('zh')} zh and ${perLang('en')} en training examples, ${flows.length} flows with ${nodes} nodes\n`,
    );
    return 0;
  } catch (e) {
    if (e instanceof ContentProblems || e instanceof FlowProblems) {
      process.stderr.write(`${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

/** Writes docs/flows/<flow>.md: each tree as a Mermaid diagram, for review. */
function graph(): number {
  const content = loadContent();
  const flows = loadFlows({ articleIds: new Set(content.articles.map((a) => a.id)) });
  const dir = path.join(projectRoot, 'docs', 'flows');
  mkdirSync(dir, { recursive: true });
  for (const flow of flows) {
    const file = path.join(dir, `${flow.id.replace(/_/g, '-')}.md`);
    writeFileSync(file, flowToMarkdown(flow));
    process.stdout.write(`${path.relative(projectRoot, file)}\n`);
  }
  return 0;
}

export async function cli(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'ask':
      return ask(rest);
    case 'eval': {
      const file = rest[0];
      if (!file) {
        process.stderr.write('eval needs a file: eval FILE.jsonl (or - for standard input)\n');
        return 2;
      }
      return withApp(async (app) => {
        await runEval(app.assistant, file, process.stdout);
        return 0;
      });
    }
    case 'check':
      return check();
    case 'graph':
      return graph();
    case 'lookup':
      return lookup(rest);
    case 'tickets':
      return tickets(rest);
    case 'insights':
      return insights(rest);
    case 'applications':
      return withApp((app) =>
        applicationsCommand(
          rest,
          app,
          (s) => void process.stdout.write(s),
          (s) => void process.stderr.write(s),
        ),
      );
    case 'audit':
      return audit(rest);
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`Unknown command "${command}".\n\n${USAGE}`);
      return 2;
  }
}
