import { createPrivateKey, createPublicKey, type KeyObject, randomBytes, sign, verify } from 'node:crypto';

// Lakala Open Platform v3 message signatures (SHA256withRSA, Base64), both directions.
// A request carries `Authorization: LKLAPI-SHA256withRSA appid="…",serial_no="…",timestamp="…",
// nonce_str="…",signature="…"`, signed over "appid\nserial_no\ntimestamp\nnonce_str\nbody\n" with
// the merchant's private key. A response carries Lklapi-Appid, Lklapi-Serial, Lklapi-Timestamp,
// Lklapi-Nonce and Lklapi-Signature, signed over "appid\nserial\ntimestamp\nnonce\nbody\n" with
// Lakala's platform key. Every line ends in "\n", the last one included.

export const AUTH_SCHEME = 'LKLAPI-SHA256withRSA';
export const RESPONSE_HEADERS = {
  appId: 'lklapi-appid',
  serial: 'lklapi-serial',
  timestamp: 'lklapi-timestamp',
  nonce: 'lklapi-nonce',
  signature: 'lklapi-signature',
} as const;

/** How far a signed timestamp may be from our clock before the message counts as a replay. */
export const MAX_SKEW_SECONDS = 300;

export function signedString(
  appId: string,
  serial: string,
  timestamp: string,
  nonce: string,
  body: string,
): string {
  return `${appId}\n${serial}\n${timestamp}\n${nonce}\n${body}\n`;
}

export function nonce(): string {
  // 32 characters of [A-Za-z0-9]
  return randomBytes(24)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .padEnd(32, '0')
    .slice(0, 32);
}

export function loadPrivateKey(pem: string): KeyObject {
  return createPrivateKey(pem);
}

/** A public key from a certificate or public-key PEM. */
export function loadPublicKey(pem: string): KeyObject {
  return createPublicKey(pem);
}

export interface Signer {
  appId: string;
  serialNo: string;
  privateKey: KeyObject;
}

function rsaSign(message: string, key: KeyObject): string {
  return sign('sha256', Buffer.from(message, 'utf8'), key).toString('base64');
}

function rsaVerify(message: string, signature: string, key: KeyObject): boolean {
  try {
    return verify('sha256', Buffer.from(message, 'utf8'), key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

export function authorizationHeader(signer: Signer, body: string, now = new Date(), n = nonce()): string {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const signature = rsaSign(
    signedString(signer.appId, signer.serialNo, timestamp, n, body),
    signer.privateKey,
  );
  return `${AUTH_SCHEME} appid="${signer.appId}",serial_no="${signer.serialNo}",timestamp="${timestamp}",nonce_str="${n}",signature="${signature}"`;
}

export interface Authorization {
  appid: string;
  serial_no: string;
  timestamp: string;
  nonce_str: string;
  signature: string;
}

export function parseAuthorization(header: string | undefined): Authorization | undefined {
  if (!header?.startsWith(`${AUTH_SCHEME} `)) return undefined;
  const fields: Record<string, string> = {};
  for (const m of header.slice(AUTH_SCHEME.length + 1).matchAll(/(\w+)="([^"]*)"/g))
    fields[m[1] as string] = m[2] as string;
  const { appid, serial_no, timestamp, nonce_str, signature } = fields;
  if (!appid || !serial_no || !timestamp || !nonce_str || !signature) return undefined;
  return { appid, serial_no, timestamp, nonce_str, signature };
}

export function withinSkew(timestamp: string, now = new Date()): boolean {
  const t = Number(timestamp);
  return Number.isFinite(t) && Math.abs(now.getTime() / 1000 - t) <= MAX_SKEW_SECONDS;
}

export function verifyAuthorization(auth: Authorization, body: string, key: KeyObject): boolean {
  return rsaVerify(
    signedString(auth.appid, auth.serial_no, auth.timestamp, auth.nonce_str, body),
    auth.signature,
    key,
  );
}

/** The response headers a platform (the sandbox) signs its answer with. */
export function responseHeaders(
  signer: Signer,
  body: string,
  now = new Date(),
  n = nonce(),
): Record<string, string> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  return {
    'Lklapi-Appid': signer.appId,
    'Lklapi-Serial': signer.serialNo,
    'Lklapi-Timestamp': timestamp,
    'Lklapi-Nonce': n,
    'Lklapi-Signature': rsaSign(
      signedString(signer.appId, signer.serialNo, timestamp, n, body),
      signer.privateKey,
    ),
  };
}

/** Checks a response against Lakala's platform certificate: right signature, fresh timestamp. */
export function verifyResponse(
  headers: Record<string, string | string[] | undefined>,
  body: string,
  platformKey: KeyObject,
  now = new Date(),
): { ok: true } | { ok: false; reason: string } {
  const get = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const appId = get(RESPONSE_HEADERS.appId);
  const serial = get(RESPONSE_HEADERS.serial);
  const timestamp = get(RESPONSE_HEADERS.timestamp);
  const n = get(RESPONSE_HEADERS.nonce);
  const signature = get(RESPONSE_HEADERS.signature);
  if (!appId || !serial || !timestamp || !n || !signature)
    return { ok: false, reason: 'response is not signed' };
  if (!withinSkew(timestamp, now))
    return { ok: false, reason: 'response timestamp is too far from our clock' };
  if (!rsaVerify(signedString(appId, serial, timestamp, n, body), signature, platformKey)) {
    return { ok: false, reason: 'response signature does not verify against the platform certificate' };
  }
  return { ok: true };
}
