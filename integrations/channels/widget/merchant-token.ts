import { type CryptoKey, errors, importSPKI, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { secretFile } from '../../stores/secret-file.js';

/** What a merchant number looks like, wherever one comes in (a token, a trusted caller's header). */
export const MERCHANT_NO = /^[0-9A-Za-z]{6,32}$/;

/** How long a merchant token may live at most, whatever it says: the portal re-issues them. */
export const MAX_TOKEN_SECONDS = 60 * 60;

export type TokenCheck = { ok: true; merchantNo: string } | { ok: false; reason: 'expired' | 'invalid' };

/**
 * Merchant mode for the widget: the merchant portal's server signs a short-lived JWT carrying the
 * merchant number (HS256 with a shared secret, or ES256 with the portal's key), the widget passes it,
 * and this verifies it. Anything forged, tampered with, expired or too long-lived is refused.
 */
export class MerchantTokens {
  private constructor(
    private readonly secret: Uint8Array | undefined,
    private readonly publicKey: CryptoKey | undefined,
  ) {}

  /**
   * From WIDGET_TOKEN_SECRET / WIDGET_TOKEN_PUBLIC_KEY; with neither, a secret made once under
   * DATA_DIR so that the demo portal can issue tokens out of the box.
   */
  static async create(options: {
    secret?: string | undefined;
    publicKeyPem?: string | undefined;
    dataDir: string;
  }): Promise<MerchantTokens> {
    const publicKey = options.publicKeyPem ? await importSPKI(options.publicKeyPem, 'ES256') : undefined;
    let secret = options.secret;
    if (!secret && !publicKey) secret = secretFile(options.dataDir, 'widget-token-secret');
    return new MerchantTokens(secret ? new TextEncoder().encode(secret) : undefined, publicKey);
  }

  /** What a portal does (the demo portal does exactly this): sign the merchant number for a while. */
  async issue(merchantNo: string, seconds = 15 * 60): Promise<string> {
    if (!this.secret)
      throw new Error('issuing tokens needs WIDGET_TOKEN_SECRET (ES256 tokens are issued by the portal)');
    return new SignJWT({ merchant_no: merchantNo })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime(`${Math.min(seconds, MAX_TOKEN_SECONDS)}s`)
      .sign(this.secret);
  }

  async verify(token: string, now = new Date()): Promise<TokenCheck> {
    try {
      const options = {
        algorithms: this.publicKey ? ['ES256'] : ['HS256'],
        currentDate: now,
        maxTokenAge: MAX_TOKEN_SECONDS,
      };
      const key = this.publicKey ?? this.secret;
      if (!key) return { ok: false, reason: 'invalid' };
      const { payload } = await jwtVerify(token, key, options);
      const merchantNo = (payload as JWTPayload & { merchant_no?: unknown }).merchant_no;
      if (typeof merchantNo !== 'string' || !MERCHANT_NO.test(merchantNo) || payload.exp === undefined) {
        return { ok: false, reason: 'invalid' };
      }
      return { ok: true, merchantNo };
    } catch (e) {
      return { ok: false, reason: e instanceof errors.JWTExpired ? 'expired' : 'invalid' };
    }
  }
}
