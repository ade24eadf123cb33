import path from 'node:path';
import { z } from 'zod';

// Every setting comes from the environment, parsed once here. README lists each one with its default;
// test/config.test.ts keeps the two in step.
const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();

/** A comma-separated list; empty entries dropped. */
const list = z
  .string()
  .default('')
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** A base URL others append paths to: its trailing slashes go once, here. */
const withoutTrailingSlash = optionalString.transform((v) => v?.replace(/\/+$/, ''));

export const configSchema = z.object({
  PORT: port.default(3978),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REDIS_URL: optionalString,
  REDIS_KEY_PREFIX: optionalString,
  PUBLIC_BASE_URL: withoutTrailingSlash,
  MAX_MESSAGE_CHARS: positiveInt.default(2000),
  CONVERSATION_TTL_HOURS: positiveInt.default(72),
  FLOW_IDLE_MINUTES: positiveInt.default(30),
  REFUND_WINDOW_DAYS: positiveInt.optional(),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(300),
  CONVERSATION_RATE_PER_MINUTE: z.coerce.number().int().min(0).default(40),
  WIDGET_ALLOWED_ORIGINS: list.transform((l) => l.map((x) => x.replace(/\/+$/, ''))),
  WIDGET_TOKEN_SECRET: optionalString,
  WIDGET_TOKEN_PUBLIC_KEY_FILE: optionalString,
  UPLOAD_MAX_BYTES: positiveInt.default(10 * 1024 * 1024),
  /** Signs the links agents open uploads with; generated under DATA_DIR when one instance runs. */
  FILE_LINK_SECRET: optionalString.pipe(
    z.string().min(32, 'at least 32 characters (e.g. `openssl rand -base64 32`)').optional(),
  ),
  /** A directory every instance shares (NFS, …) for upload bytes, instead of the database. */
  UPLOAD_DIR: optionalString,
  UPLOAD_RATE_PER_MINUTE: z.coerce.number().int().min(0).default(20),
  UPLOAD_CONVERSATION_MAX_FILES: positiveInt.default(20),
  UPLOAD_CONVERSATION_MAX_BYTES: positiveInt.default(50 * 1024 * 1024),
  UPLOAD_RETENTION_DAYS: positiveInt.default(90),
  SANDBOX_PORT: port.default(3979),
  LAKALA_BASE_URL: withoutTrailingSlash,
  LAKALA_APP_ID: optionalString,
  LAKALA_SERIAL_NO: optionalString,
  LAKALA_PRIVATE_KEY_FILE: optionalString,
  LAKALA_PLATFORM_CERT_FILE: optionalString,
  LAKALA_TIMEOUT_MS: positiveInt.default(3000),
  LOOKUP_CACHE_SECONDS: z.coerce.number().int().min(0).default(30),
  LOOKUP_MAX_FAILURES: positiveInt.default(5),
  LOOKUP_ADDRESS_MAX_FAILURES: positiveInt.default(50),
  LOOKUP_LOCK_MINUTES: positiveInt.default(15),
  TRUSTED_CALLER_TOKEN: optionalString,
  HANDOFF_CLAIM_TIMEOUT_MINUTES: positiveInt.default(5),
  SUPPORT_HOTLINE: optionalString,
  DATABASE_URL: optionalString,
  APPLICATION_REVIEWERS: list,
  APPLICATION_FOUR_EYES_FEN: positiveInt.optional(),
  APPLICATION_JOB_LEASE_SECONDS: positiveInt.default(60),
  APPLICATION_WORKER_MS: positiveInt.default(2000),
  INSIGHTS_SECRET: optionalString,
  INSIGHTS_RETENTION_DAYS: positiveInt.default(180),
  INSIGHTS_SESSION_HOURS: positiveInt.default(12),
  SLACK_BOT_TOKEN: optionalString,
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString,
  SLACK_SUPPORT_CHANNEL: optionalString,
  SLACK_REVIEW_CHANNEL: optionalString,
  SLACK_ALLOWED_TEAM_IDS: list,
  SLACK_ALLOWED_CHANNEL_IDS: list,
  SLACK_API_URL: z.url().default('https://slack.com/api/'),
  SLACK_LANG: z.enum(['zh', 'en']).default('zh'),
  // the daily digest in the support channel: from this hour (China) on, or off
  SLACK_DIGEST_HOUR: z.union([z.literal('off'), z.coerce.number().int().min(0).max(23)]).default(9),
  NODE_ENV: z.string().default('development'),
  // Bot Framework (Microsoft 365 Agents SDK): the SDK's own names for its service connection
  connections__serviceConnection__settings__clientId: optionalString,
  connections__serviceConnection__settings__clientSecret: optionalString,
  connections__serviceConnection__settings__tenantId: optionalString,
  connections__serviceConnection__settings__certPemFile: optionalString,
  connections__serviceConnection__settings__certKeyFile: optionalString,
  connections__serviceConnection__settings__authorityEndpoint: optionalString,
  /**
   * Which proxies' X-Forwarded-For entries to believe: `false`, a hop count (`1`: the address our
   * own proxy appended, the rightmost), or the proxies' addresses/CIDRs. Never the leftmost entry:
   * the client writes that one, and it would key the lock-out and the rate limits. `true` is 1 hop.
   */
  /** Without a Bot Framework registration, let the Emulator on this machine in (never in production). */
  BOTFRAMEWORK_ANONYMOUS: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  TRUST_PROXY: z
    .string()
    .trim()
    .default('false')
    .transform((v, ctx): false | number | string[] => {
      if (v === 'false' || v === '0' || v === '') return false;
      if (v === 'true') return 1;
      if (/^\d{1,2}$/.test(v)) return Number(v);
      const list = v
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);
      if (list.every((x) => /^[0-9a-f.:]+(\/\d{1,3})?$/i.test(x))) return list;
      ctx.addIssue({
        code: 'custom',
        message: 'false, a hop count, or a comma-separated list of proxy addresses/CIDRs',
      });
      return z.NEVER;
    }),
  REDIS_COMMAND_TIMEOUT_MS: positiveInt.default(2000),
  SHUTDOWN_GRACE_SECONDS: positiveInt.default(10),
  /** Set: GET /metrics needs `Authorization: Bearer` with it. Unset: /metrics answers loopback only. */
  METRICS_TOKEN: optionalString,
});

export type Config = z.infer<typeof configSchema> & { dataDir: string };

const LAKALA_REQUIRED = [
  'LAKALA_APP_ID',
  'LAKALA_SERIAL_NO',
  'LAKALA_PRIVATE_KEY_FILE',
  'LAKALA_PLATFORM_CERT_FILE',
] as const;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  // a real acquirer needs all of its credentials; without LAKALA_BASE_URL the embedded sandbox is used
  if (parsed.data.LAKALA_BASE_URL) {
    const missing = LAKALA_REQUIRED.filter((k) => !parsed.data[k]);
    if (missing.length)
      throw new ConfigError(
        `Invalid configuration:\n  LAKALA_BASE_URL is set, so these are needed too: ${missing.join(', ')}`,
      );
  }
  const slack = parsed.data;
  if (slack.SLACK_BOT_TOKEN && !slack.SLACK_SIGNING_SECRET && !slack.SLACK_APP_TOKEN)
    throw new ConfigError(
      'Invalid configuration:\n  SLACK_BOT_TOKEN is set, so SLACK_SIGNING_SECRET (HTTP) or SLACK_APP_TOKEN (Socket Mode) is needed too',
    );
  const shared = sharedSecretsMissing(parsed.data);
  if (shared) throw new ConfigError(`Invalid configuration:\n  ${shared}`);
  return { ...parsed.data, dataDir: path.resolve(parsed.data.DATA_DIR) };
}

/**
 * With REDIS_URL or DATABASE_URL several instances may serve one deployment, and a secret each one
 * generates under its own DATA_DIR would be unknown to the others (a merchant token or a file link
 * from one refused by the next): then the secrets must come from the configuration.
 */
function sharedSecretsMissing(c: z.infer<typeof configSchema>): string | undefined {
  const by = [c.REDIS_URL && 'REDIS_URL', c.DATABASE_URL && 'DATABASE_URL'].filter(Boolean);
  if (!by.length) return undefined;
  const missing = [
    !c.WIDGET_TOKEN_SECRET &&
      !c.WIDGET_TOKEN_PUBLIC_KEY_FILE &&
      'WIDGET_TOKEN_SECRET (or WIDGET_TOKEN_PUBLIC_KEY_FILE)',
    !c.FILE_LINK_SECRET && 'FILE_LINK_SECRET',
  ].filter(Boolean);
  if (!missing.length) return undefined;
  return `${by.join(' and ')} ${by.length > 1 ? 'are' : 'is'} set, so several instances may run and each needs the same secrets from the configuration: set ${missing.join(', ')}`;
}
