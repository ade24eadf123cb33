import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';

export interface KeyMaterial {
  privateKeyPem: string;
  certificatePem: string;
  /** The certificate's serial number, hex, as Lakala's serial_no carries it. */
  serialNo: string;
}

function selfSigned(commonName: string): KeyMaterial {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  // a positive, minimally encoded serial: the first byte is 0x10–0x1f (a first byte of 0x00 before
  // one below 0x80 is invalid DER: "illegal padding", one certificate in 32)
  cert.serialNumber = `1${randomBytes(8).toString('hex').slice(1)}`;
  const now = new Date();
  cert.validity.notBefore = new Date(now.getTime() - 86_400_000);
  cert.validity.notAfter = new Date(now.getTime() + 10 * 365 * 86_400_000);
  const attrs = [
    { name: 'commonName', value: commonName },
    { name: 'organizationName', value: 'refund-assistant sandbox' },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.sign(forge.pki.privateKeyFromPem(privateKey), forge.md.sha256.create());
  const certificatePem = forge.pki.certificateToPem(cert);
  return {
    privateKeyPem: privateKey,
    certificatePem,
    serialNo: new X509Certificate(certificatePem).serialNumber,
  };
}

function loadOrCreate(dir: string, name: string, commonName: string): KeyMaterial {
  const keyFile = path.join(dir, `${name}-key.pem`);
  const certFile = path.join(dir, `${name}-cert.pem`);
  if (existsSync(keyFile) && existsSync(certFile)) {
    const certificatePem = readFileSync(certFile, 'utf8');
    return {
      privateKeyPem: readFileSync(keyFile, 'utf8'),
      certificatePem,
      serialNo: new X509Certificate(certificatePem).serialNumber,
    };
  }
  const made = selfSigned(commonName);
  writeFileSync(keyFile, made.privateKeyPem, { mode: 0o600 });
  chmodSync(keyFile, 0o600);
  writeFileSync(certFile, made.certificatePem);
  return made;
}

export interface SandboxKeys {
  /** The sandbox plays Lakala: it signs responses with this. */
  platform: KeyMaterial;
  /** The merchant's (ours): the connector signs requests with it; the sandbox knows its certificate. */
  merchant: KeyMaterial;
  platformCertFile: string;
  merchantKeyFile: string;
}

/**
 * Key pairs and self-signed certificates for the sandbox and for the connector talking to it,
 * made on first start under `dir` (DATA_DIR/sandbox) and reused after. Nothing leaves the machine.
 */
export function sandboxKeys(dir: string): SandboxKeys {
  mkdirSync(dir, { recursive: true });
  return {
    platform: loadOrCreate(dir, 'platform', 'Lakala Open Platform (sandbox)'),
    merchant: loadOrCreate(dir, 'merchant', 'refund-assistant merchant (sandbox)'),
    platformCertFile: path.join(dir, 'platform-cert.pem'),
    merchantKeyFile: path.join(dir, 'merchant-key.pem'),
  };
}
