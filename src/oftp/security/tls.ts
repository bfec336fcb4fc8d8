// Session-level encryption (RFC 5024 §2.3): TLS 1.2/1.3 around the OFTP stream. The server can require a
// client certificate and tie it to the partner's configured one; the client verifies the server against a
// CA or a pinned fingerprint. Every failure gets a plain reason (expired, unknown CA, mismatch, missing).
import { X509Certificate } from 'node:crypto';
import { connect as tlsConnect, type ConnectionOptions, type PeerCertificate, type TLSSocket } from 'node:tls';

export interface TlsIdentity {
  certPem?: string;
  keyPem?: string;
  /** PKCS#12 holding key and certificate, instead of PEM. */
  pfx?: Buffer;
  passphrase?: string;
}

export interface TlsServerOptions extends TlsIdentity {
  requireClientCert?: boolean;
  /** CAs that partners' client certificates may chain to (besides being configured per partner). */
  caPem?: string[];
}

export interface TlsClientOptions extends TlsIdentity {
  /** CAs to verify the server against; without CA or pin, the system's CAs. */
  caPem?: string[];
  /** SHA-256 fingerprint of the server certificate (AA:BB:... or plain hex). */
  pinnedFingerprint?: string;
  servername?: string;
}

export const TLS_MIN_VERSION = 'TLSv1.2' as const;

export function normalizeFingerprint(f: string): string {
  return f.replace(/[^0-9a-f]/gi, '').toUpperCase().replace(/(..)(?!$)/g, '$1:');
}

export function fingerprintOf(pem: string): string {
  return new X509Certificate(pem).fingerprint256;
}

/** Who a certificate is, for messages: subject CN and fingerprint. */
export function describeCertificate(c: PeerCertificate): string {
  return `${c.subject?.CN ?? '(no CN)'} (SHA-256 ${c.fingerprint256?.slice(0, 23)}...)`;
}

/** Why a peer certificate is unusable right now, by its dates; undefined when in its validity period. */
export function validityProblem(c: PeerCertificate, now = new Date()): string | undefined {
  const from = new Date(c.valid_from);
  const to = new Date(c.valid_to);
  if (now > to) return `certificate ${describeCertificate(c)} expired on ${to.toISOString()}`;
  if (now < from) return `certificate ${describeCertificate(c)} is not valid before ${from.toISOString()}`;
  return undefined;
}

/** Plain words for Node's TLS verification codes. */
export function explainTlsError(e: NodeJS.ErrnoException | Error): string {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  const map: Record<string, string> = {
    CERT_HAS_EXPIRED: 'the server certificate has expired',
    CERT_NOT_YET_VALID: 'the server certificate is not valid yet',
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the server certificate was issued by an unknown CA',
    UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the server certificate was issued by an unknown CA',
    SELF_SIGNED_CERT_IN_CHAIN: 'the server certificate chains to an unknown (self-signed) CA',
    DEPTH_ZERO_SELF_SIGNED_CERT: 'the server certificate is self-signed and not trusted',
    ERR_TLS_CERT_ALTNAME_INVALID: 'the server certificate does not name this host',
    ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: 'the server requires a client certificate and we sent none',
    ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: 'the server refused our client certificate',
    ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: 'the peer does not trust the CA of our certificate',
    ECONNRESET: 'the server closed the connection during the TLS handshake',
  };
  return `${map[code] ?? 'TLS handshake failed'}${code ? ` [${code}]` : ''}: ${e.message}`;
}

/** Opens a TLS connection and checks the server certificate; rejects with a plain-language reason. */
export function connectTls(host: string, port: number, o: TlsClientOptions, timeoutMs: number): Promise<TLSSocket> {
  const pinned = o.pinnedFingerprint ? normalizeFingerprint(o.pinnedFingerprint) : undefined;
  const options: ConnectionOptions = {
    host,
    port,
    minVersion: TLS_MIN_VERSION,
    ...(o.caPem ? { ca: o.caPem } : {}),
    ...(o.pfx ? { pfx: o.pfx, passphrase: o.passphrase } : o.certPem && o.keyPem ? { cert: o.certPem, key: o.keyPem, passphrase: o.passphrase } : {}),
    // A pinned certificate is checked below instead of against CAs.
    rejectUnauthorized: !pinned,
    ...(/^[\d.]+$|:/.test(host) ? {} : { servername: o.servername ?? host }),
  };
  return new Promise((resolve, reject) => {
    const socket = tlsConnect(options);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`TLS connection to ${host}:${port} not established within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      if (pinned) {
        const cert = socket.getPeerCertificate();
        if (cert.fingerprint256 !== pinned) {
          socket.destroy();
          reject(new Error(`server certificate ${describeCertificate(cert)} does not match the pinned fingerprint ${pinned}`));
          return;
        }
        const expired = validityProblem(cert);
        if (expired) {
          socket.destroy();
          reject(new Error(expired));
          return;
        }
      }
      socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`TLS connection to ${host}:${port} failed: ${explainTlsError(e)}`));
    });
  });
}
