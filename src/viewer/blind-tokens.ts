import { createHmac, randomBytes } from "node:crypto";

interface TurnReference {
  runId: string;
  trialId: string;
  turnIndex: number;
}

/**
 * Opaque names for the turns handed to a blind labeller. A trial id opens the transcript, and a
 * turn index alone can tell the arm (some turns exist only in some arms), so the page never sees
 * either: it gets a token, keyed with a secret of this server process, and sends it back.
 */
export class BlindTokens {
  private readonly secret = randomBytes(32);
  private readonly issued = new Map<string, TurnReference>();

  tokenFor(turn: TurnReference): string {
    const token = createHmac("sha256", this.secret)
      .update(`${turn.runId}\u0000${turn.trialId}\u0000${turn.turnIndex}`)
      .digest("base64url")
      .slice(0, 24);
    this.issued.set(token, turn);
    return token;
  }

  /** The turn a token was issued for in this run; undefined for an unknown or foreign token. */
  resolve(runId: string, token: string): Omit<TurnReference, "runId"> | undefined {
    const turn = this.issued.get(token);
    return turn?.runId === runId ? { trialId: turn.trialId, turnIndex: turn.turnIndex } : undefined;
  }
}
