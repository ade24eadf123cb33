// Each command's usage, apart from its code: `help` and the command table load none of it.

export const ASK_USAGE = `  ask "TEXT" [--json] [--locale zh|en] [--conversation ID] [--action ACTION]
                      Ask the assistant; prints the reply (or the structured result with --json)
`;
export const EVAL_USAGE = `  eval FILE.jsonl     Understand each line's "text"; writes one JSON line per input line
`;
export const CHECK_USAGE = `  check               Validate all content (articles, intents, messages, policy, flows)
`;
export const LOOKUP_USAGE = `  lookup REFERENCE [--json] [--locale zh|en]
                      The live status of a payment and its refunds (as an operator: no proof asked);
                      exits 0 found, 3 no such payment, 4 the acquirer did not answer
`;
export const GRAPH_USAGE = `  graph               Write each troubleshooting flow as a Mermaid diagram to docs/flows/*.md
`;
export const TICKETS_USAGE = `  tickets list [--json] [--limit N]
                      Messages left for a person, newest first (contacts masked)
  tickets show ID [--json]
                      One ticket in full, with the contact to call back
`;
export const APPLICATIONS_USAGE = `  applications list [--json] [--status STATUS] [--limit N]
                      Refund applications, newest first
  applications show ID [--json]
                      One application: status, amount, timeline and what the acquirer executed
  applications approve ID --reviewer NAME
  applications reject ID --reviewer NAME --reason TEXT
                      Decide, with the same rules as the Slack review (four-eyes, decided once);
                      a running server executes an approved refund
`;
export const AUDIT_USAGE = `  audit export --from YYYY-MM-DD --to YYYY-MM-DD [--format csv|jsonl] [--kind lookups|handoffs|applications]
                      The audit trail of those days (inclusive) to standard output
`;
export const INSIGHTS_USAGE = `  insights queue [--json]
                      The review queue: questions labelled on /insights, waiting for export
  insights export [--out DIR] [--dry-run]
                      Writes the queue as <lang>.reviewed-<date>.yml training examples (for
                      knowledge/intents/, checked as npm run check would) and the questions that need
                      an article; measure with npm run eval -- --candidate FILE before adopting
`;
