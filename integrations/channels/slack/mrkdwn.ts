/**
 * Slack's mrkdwn treats `<…>` as links and mentions (`<!channel>` pings everyone) and `&` as an
 * entity: anything a user wrote is escaped before it reaches a Slack message.
 */
export function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Our safe Markdown subset (**bold**, [text](url), lists) as Slack mrkdwn, escaped first. */
export function toMrkdwn(markdown: string): string {
  return escapeMrkdwn(markdown)
    .replace(/\*\*(.+?)\*\*/g, '*$1*')
    .replace(/\[([^\]]+)\]\((https?:\/\/[^)\s]+|\/[^)\s]*)\)/g, (_m, label: string, url: string) =>
      url.startsWith('http') ? `<${url}|${label}>` : label,
    );
}

/** Block Kit's section text holds 3,000 characters; a longer answer is cut, not refused. */
export function clip(s: string, max = 2900): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/**
 * What an agent typed in Slack, for the user's widget: Slack's escapes undone, its links and bold
 * in our Markdown subset, mentions and channel names dropped (they mean nothing outside Slack).
 */
export function fromMrkdwn(s: string): string {
  return s
    .replace(/<(https?:\/\/[^|>]+)\|([^>]+)>/g, '[$2]($1)')
    .replace(/<(https?:\/\/[^>]+)>/g, '$1')
    .replace(/<mailto:([^|>]+)(\|[^>]+)?>/g, '$1')
    .replace(/<[@#!][^>]*>/g, '')
    .replace(/(^|[^*\w])\*([^*\s](?:[^*\n]*[^*\s])?)\*(?![*\w])/gu, '$1**$2**')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}
