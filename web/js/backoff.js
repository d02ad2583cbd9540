// Reconnection delays: exponential backoff with "full jitter" (a random
// delay between 0 and the exponential cap), so that many clients dropped by
// the same server restart do not all come back in the same instant. Pure;
// unit-tested in tests/web/backoff.test.mjs.
export class Backoff {
  constructor({ baseMs = 500, maxMs = 15000, factor = 2, minMs = 100, random = Math.random } = {}) {
    Object.assign(this, { baseMs, maxMs, factor, minMs, random });
    this.attempt = 0;
  }
  // The delay before the next attempt; each call counts as one attempt.
  next() {
    const cap = Math.min(this.maxMs, this.baseMs * this.factor ** this.attempt);
    this.attempt++;
    return Math.round(this.minMs + this.random() * Math.max(0, cap - this.minMs));
  }
  reset() {
    this.attempt = 0;
  }
}
