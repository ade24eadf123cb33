import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, fromMrkdwn, toMrkdwn } from '../../integrations/channels/slack/mrkdwn.js';

describe('between our Markdown and Slack mrkdwn', () => {
  it('what a user wrote can never ping a channel, link, or mention anyone in Slack', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const out = escapeMrkdwn(s);
        expect(out).not.toMatch(/[<>]/);
        expect(toMrkdwn(s)).not.toMatch(/<!(channel|here|everyone)|<@/);
      }),
    );
    expect(escapeMrkdwn('<!channel> 退款 & <script>')).toBe('&lt;!channel&gt; 退款 &amp; &lt;script&gt;');
  });

  it('our bold and links become Slack’s', () => {
    expect(toMrkdwn('**参考号**在小票上，见[说明](https://example.com/a)')).toBe(
      '*参考号*在小票上，见<https://example.com/a|说明>',
    );
  });

  it('an agent’s Slack message becomes the widget’s Markdown', () => {
    expect(fromMrkdwn('<@U0LI> 请看 *这里* &amp; <https://example.com|链接> &lt;ok&gt;')).toBe(
      '请看 **这里** & [链接](https://example.com) <ok>',
    );
    expect(fromMrkdwn('2*3 = 6, a*b')).toBe('2*3 = 6, a*b');
  });
});
