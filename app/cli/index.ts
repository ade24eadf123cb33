import { type Need, Resources } from './open.js';
import {
  APPLICATIONS_USAGE,
  ASK_USAGE,
  AUDIT_USAGE,
  CHECK_USAGE,
  EVAL_USAGE,
  GRAPH_USAGE,
  INSIGHTS_USAGE,
  LOOKUP_USAGE,
  TICKETS_USAGE,
} from './usage.js';

type Write = (s: string) => void;

export interface Command {
  usage: string;
  /**
   * What the command may open (open.ts), each only when it first asks: an operator waits for
   * every start-up it does not need. Only `ask` and `eval` need the assistant (and its model).
   */
  needs: readonly Need[];
  /** Loads the command's own code (imported here, not at start) and runs it. */
  run(args: string[], open: Resources, out: Write, err: Write): Promise<number>;
}

/** One entry per command, in the order `help` lists them. */
export const COMMANDS: Record<string, Command> = {
  ask: {
    usage: ASK_USAGE,
    // the acquirer only once a question needs a look-up
    needs: ['assistant', 'acquirer'],
    run: async (args, open) => (await import('./ask.js')).ask(args, open),
  },
  eval: {
    usage: EVAL_USAGE,
    needs: ['assistant'],
    run: async (args, open) => (await import('./ask.js')).evaluate(args, open),
  },
  check: {
    usage: CHECK_USAGE,
    needs: ['content', 'flows'],
    run: async (_args, _open, out, err) => (await import('./content.js')).check(out, err),
  },
  lookup: {
    usage: LOOKUP_USAGE,
    // the look-up service's lock-out counters and cache live in the state store, its audit trail
    // and insight events in the database; its report's words come from the content
    needs: ['acquirer', 'state', 'database', 'content'],
    run: async (args, open) => (await import('./lookup.js')).lookup(args, open),
  },
  graph: {
    usage: GRAPH_USAGE,
    needs: ['flows'],
    run: async (_args, open, out) => (await import('./content.js')).graph(await open.flows(), out),
  },
  tickets: {
    usage: TICKETS_USAGE,
    needs: ['database'],
    run: async (args, open, out, err) => (await import('./tickets.js')).tickets(args, open, out, err),
  },
  applications: {
    usage: APPLICATIONS_USAGE,
    // list and show: the database (show asks the acquirer about a refund once one can exist);
    // approve and reject also tell the merchant in their conversation (state, content's words)
    needs: ['database', 'acquirer', 'state', 'content'],
    run: async (args, open, out, err) =>
      (await import('./applications.js')).applicationsCommand(
        args,
        {
          store: () => open.applicationStore(),
          service: () => open.applications(),
          gateway: async () => (await open.acquirer()).gateway,
        },
        out,
        err,
      ),
  },
  audit: {
    usage: AUDIT_USAGE,
    needs: ['database'],
    run: async (args, open, out, err) => (await import('./audit.js')).audit(args, open, out, err),
  },
  insights: {
    usage: INSIGHTS_USAGE,
    // the review queue is in the database; the export reads the content it is for (no model)
    needs: ['database'],
    run: async (args, open, out, err) => (await import('./insights.js')).insights(args, open, out, err),
  },
};

export function usage(commands: Record<string, Command> = COMMANDS): string {
  return `Usage: npm run --silent cli -- <command> [options]\n\nCommands:\n${Object.values(commands)
    .map((c) => c.usage)
    .join('')}`;
}

export async function cli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const out: Write = (s) => void process.stdout.write(s);
  const err: Write = (s) => void process.stderr.write(s);
  if (name === undefined || name === 'help' || name === '--help') {
    out(usage());
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    err(`Unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  const open = new Resources(name, new Set(command.needs));
  try {
    return await command.run(rest, open, out, err);
  } finally {
    await open.close();
  }
}
