// Start-session negotiation (RFC 5024 §5.3.2, §9.8): what a responder answers to an initiator's SSID, and
// whether an initiator accepts the responder's answer. Pure functions, so every rule is testable alone.
import { OFTP2_LEVEL, type Ssid, type TransferMode } from '../codec/commands';

/** What this side offers. */
export interface Capabilities {
  /** Highest protocol level we speak (5 = OFTP 2.0; 4 = 1.4; 2/1 = 1.3). */
  level: number;
  /** Largest data exchange buffer we accept, 128..99999. */
  bufferSize: number;
  /** S send only, R receive only, B both. */
  mode: TransferMode;
  compression: boolean;
  restart: boolean;
  credit: number;
  secureAuthentication: boolean;
}

/** What both sides agreed, in the same terms (mode is our side's role after negotiation). */
export type SessionParameters = Capabilities;

export type Negotiation =
  | { ok: true; params: SessionParameters }
  | { ok: false; esidReason: number; text: string };

export const DEFAULT_CAPABILITIES: Capabilities = {
  level: OFTP2_LEVEL,
  bufferSize: 99999,
  mode: 'B',
  compression: true,
  restart: true,
  credit: 999,
  secureAuthentication: false,
};

/** Levels we implement layouts for: the agreed level is the lowest offered, mapped onto one of these. */
export function agreedLevel(a: number, b: number): number {
  const low = Math.min(a, b);
  return low >= 5 ? 5 : low;
}

const canSend = (m: TransferMode): boolean => m !== 'R';
const canReceive = (m: TransferMode): boolean => m !== 'S';

/** Responder: the parameters to answer an initiator's SSID with, or the ESID to refuse it with. */
export function answerInitiator(initiator: Ssid, local: Capabilities): Negotiation {
  if (initiator.secureAuthentication !== local.secureAuthentication) {
    return {
      ok: false,
      esidReason: 12,
      text: initiator.secureAuthentication ? 'secure authentication requested but not configured here' : 'secure authentication required',
    };
  }
  let mode: TransferMode;
  if (initiator.mode === 'S') mode = 'R';
  else if (initiator.mode === 'R') mode = 'S';
  else mode = local.mode;
  if ((mode === 'R' && !canReceive(local.mode)) || (mode === 'S' && !canSend(local.mode))) {
    return { ok: false, esidReason: 10, text: `initiator mode ${initiator.mode} is incompatible with our mode ${local.mode}` };
  }
  return {
    ok: true,
    params: {
      level: agreedLevel(initiator.level, local.level),
      bufferSize: Math.min(initiator.bufferSize, local.bufferSize),
      mode,
      compression: initiator.compression && local.compression,
      restart: initiator.restart && local.restart,
      credit: Math.min(initiator.credit, local.credit),
      secureAuthentication: local.secureAuthentication,
    },
  };
}

/** Initiator: checks the responder's SSID against what we offered (RFC 5024 §9.8.2 transition D). */
export function acceptResponder(offered: Capabilities, answer: Ssid): Negotiation {
  if (answer.secureAuthentication !== offered.secureAuthentication) {
    return { ok: false, esidReason: 12, text: `responder answered SSIDAUTH ${answer.secureAuthentication ? 'Y' : 'N'}, we require ${offered.secureAuthentication ? 'Y' : 'N'}` };
  }
  if (answer.credit > offered.credit) {
    return { ok: false, esidReason: 10, text: `responder answered credit ${answer.credit}, more than the ${offered.credit} offered` };
  }
  if ((answer.compression && !offered.compression) || (answer.restart && !offered.restart)) {
    return { ok: false, esidReason: 10, text: 'responder answered Y for a capability we offered as N' };
  }
  if ((offered.mode === 'S' && answer.mode === 'S') || (offered.mode === 'R' && answer.mode === 'R')) {
    return { ok: false, esidReason: 10, text: `both sides are ${offered.mode === 'S' ? 'send' : 'receive'}-only` };
  }
  let mode: TransferMode = offered.mode;
  if (offered.mode === 'B') mode = answer.mode === 'S' ? 'R' : answer.mode === 'R' ? 'S' : 'B';
  return {
    ok: true,
    params: {
      level: agreedLevel(offered.level, answer.level),
      bufferSize: Math.min(offered.bufferSize, answer.bufferSize),
      mode,
      compression: answer.compression && offered.compression,
      restart: answer.restart && offered.restart,
      credit: answer.credit,
      secureAuthentication: offered.secureAuthentication,
    },
  };
}
