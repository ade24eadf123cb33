// The widget's own words (its chrome). What the assistant says comes from the server.
export const WORDS = {
  zh: {
    title: '退款助手',
    close: '关闭对话',
    input: '输入您的问题',
    placeholder: '输入您的问题，Enter 发送',
    send: '发送',
    upload: '上传凭证（照片或PDF）',
    offline: '网络已断开，正在重新连接…消息会在恢复后发出。',
    sending: '发送中',
    queued: '待发送',
    failed: '发送失败，点此重试',
    typing: '正在输入…',
    helpful: '有帮助',
    notHelpful: '没帮助',
    thanks: '谢谢反馈',
    readMore: '阅读全文 ›',
    you: '我',
    bot: '助手',
    agent: '客服',
    file: '文件',
    greeting: '您好！我是POS退款助手，有什么可以帮您？',
    merchant: '商户模式',
  },
  en: {
    title: 'Refund assistant',
    close: 'Close chat',
    input: 'Type your question',
    placeholder: 'Type your question, Enter to send',
    send: 'Send',
    upload: 'Upload proof (photo or PDF)',
    offline: 'Connection lost, reconnecting… Messages will be sent once it is back.',
    sending: 'Sending',
    queued: 'Waiting to send',
    failed: 'Not sent, tap to retry',
    typing: 'Typing…',
    helpful: 'Helpful',
    notHelpful: 'Not helpful',
    thanks: 'Thanks for the feedback',
    readMore: 'Read the full article ›',
    you: 'You',
    bot: 'Assistant',
    agent: 'Agent',
    file: 'File',
    greeting: "Hello! I'm the POS refund assistant. How can I help?",
    merchant: 'Merchant mode',
  },
} as const;

export type Lang = keyof typeof WORDS;
export type Words = (typeof WORDS)[Lang];

/** The launcher's name (its label and accessible name), kept apart so the launcher bundle stays tiny. */
export const LAUNCHER_LABEL = { zh: '在线客服', en: 'Chat with us' } as const;
