import type { App, BlockAction, ViewSubmitAction, webApi } from '@slack/bolt';
import type { ApplicationReview, DecisionResult, Reviewer } from '../../../bot/applications/index.js';
import type { Logger } from '../../../contracts/logger.js';
import { formatYuan, type Lang } from '../../../knowledge/index.js';
import type { Agents } from './deps.js';
import { askModal, type ModalMetadata, parseCardValue, REVIEW, rejectModal } from './review-blocks.js';
import type { WordKey, Words } from './words.js';

export interface ReviewListenerDeps {
  review: ApplicationReview;
  words: Words;
  lang: Lang;
  agents: Agents;
  logger: Logger;
}

/**
 * The reviewers' buttons on an application's card and the modals behind Reject and Ask for more.
 * Every decision goes through ApplicationReview — the same rules as the operator's CLI (allow-list,
 * four-eyes, decided once, audited with the Slack user id); the card itself is updated by the desk
 * when the change is written, so two reviewers' screens agree.
 */
export function registerReviewListeners(app: App, deps: ReviewListenerDeps): void {
  const { review, words: w, agents } = deps;

  const reviewerOf = async (
    client: webApi.WebClient,
    user: { id: string; name?: string },
  ): Promise<Reviewer> => {
    const agent = await agents.of(client, user.id, user.name);
    return { id: user.id, name: agent.name, channel: 'slack' };
  };

  /** A word to the reviewer alone, where they acted. */
  const whisper = async (
    client: webApi.WebClient,
    channel: string | undefined,
    user: string,
    text: string,
  ) => {
    if (!channel) return;
    await client.chat
      .postEphemeral({ channel, user, text })
      .catch((err: unknown) => deps.logger.warn({ err }, 'could not answer a reviewer'));
  };

  /** What the reviewer hears when nothing was decided; undefined when the card says it all. */
  const refusal = (r: DecisionResult, number: string): string | undefined => {
    switch (r.outcome) {
      case 'not_allowed':
        return w('reviewNotAllowed');
      case 'not_found':
        return w('reviewNotFound', { number });
      case 'already_decided': {
        const status = w(`reviewStatus_${r.application.status}` as WordKey);
        return r.by
          ? w('reviewAlreadyDecided', { user: r.by, status })
          : w('reviewAlreadyDecidedNobody', { status });
      }
      case 'same_reviewer':
        return w('reviewSameReviewer');
      case 'stale':
        return w('reviewStale', {
          version: r.application.version,
          amount: formatYuan(r.application.amountFen),
        });
      case 'approval_recorded':
        return w('reviewApprovalRecorded', { count: r.application.approvals.length, needed: r.needed });
      case 'invalid':
        return r.message;
      default:
        return undefined;
    }
  };

  const buttonValue = (body: BlockAction) => {
    const action = body.actions[0];
    return action && 'value' in action && typeof action.value === 'string' ? action.value : '';
  };

  app.action<BlockAction>(REVIEW.approve, async ({ ack, body, client }) => {
    await ack();
    const { number, version } = parseCardValue(buttonValue(body));
    const reviewer = await reviewerOf(client, body.user);
    const result = await review.approve(number, reviewer, version === undefined ? {} : { version });
    const said = refusal(result, number);
    if (said) await whisper(client, body.channel?.id, body.user.id, said);
  });

  /** Reject and Ask for more open a modal, unless the reviewer may not decide or it is decided already. */
  const openModal = (kind: 'reject' | 'ask') =>
    app.action<BlockAction>(REVIEW[kind], async ({ ack, body, client }) => {
      await ack();
      const { number, version } = parseCardValue(buttonValue(body));
      const reviewer = await reviewerOf(client, body.user);
      const channel = body.channel?.id;
      if (!review.mayDecide(reviewer)) {
        deps.logger.warn({ user: reviewer.id, application: number }, 'review refused: not a reviewer');
        await whisper(client, channel, body.user.id, w('reviewNotAllowed'));
        return;
      }
      const view = await review.view(number);
      if (!view) return whisper(client, channel, body.user.id, w('reviewNotFound', { number }));
      const a = view.application;
      if (a.status !== 'in_review' && a.status !== 'submitted') {
        const said = refusal(
          { outcome: 'already_decided', application: a, ...(a.decidedBy && { by: a.decidedBy }) },
          number,
        );
        return whisper(client, channel, body.user.id, said ?? '');
      }
      const meta: ModalMetadata = {
        number,
        ...(version !== undefined && { version }),
        ...(channel && { channel }),
        ...(body.message?.ts && { ts: body.message.ts }),
      };
      await client.views.open({
        trigger_id: body.trigger_id,
        view: kind === 'reject' ? rejectModal(meta, review.rejectReasons(), w, deps.lang) : askModal(meta, w),
      });
    });
  openModal('reject');
  openModal('ask');

  const metaOf = (body: ViewSubmitAction): ModalMetadata | undefined => {
    try {
      const m = JSON.parse(body.view.private_metadata) as ModalMetadata;
      return typeof m.number === 'string' ? m : undefined;
    } catch {
      return undefined;
    }
  };
  const input = (body: ViewSubmitAction, block: string) => {
    const v = body.view.state.values[block]?.value;
    return (v?.selected_option?.value ?? v?.value ?? '').trim();
  };

  app.view<ViewSubmitAction>(REVIEW.rejectModal, async ({ ack, body, client }) => {
    const meta = metaOf(body);
    const reason = input(body, 'reason');
    const note = input(body, 'note');
    const listed = review.rejectReasons().find((r) => r.id === reason);
    if (listed?.note === 'required' && !note) {
      await ack({ response_action: 'errors', errors: { note: w('rejectModalNoteRequired') } });
      return;
    }
    await ack();
    if (!meta) return;
    const reviewer = await reviewerOf(client, body.user);
    const result = await review.reject(meta.number, reviewer, { reason, ...(note && { note }) });
    const said = refusal(result, meta.number);
    if (said) await whisper(client, meta.channel, body.user.id, said);
  });

  app.view<ViewSubmitAction>(REVIEW.askModal, async ({ ack, body, client }) => {
    const meta = metaOf(body);
    await ack();
    if (!meta) return;
    const reviewer = await reviewerOf(client, body.user);
    const result = await review.askForMore(meta.number, reviewer, input(body, 'question'));
    const said = refusal(result, meta.number);
    if (said) await whisper(client, meta.channel, body.user.id, said);
  });
}
