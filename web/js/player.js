// Reply playback: decodes each audio delta, resamples it from 24 kHz to the
// context's rate (one resampler per reply, flushed at its end) and hands it
// to the player worklet tagged with its item id. clear() stops playback
// before the worklet's next render quantum and resolves with how much of the
// interrupted item was actually heard, which the truncate reports. Its
// state is private: the page uses only the methods below.
import { StreamingResampler, WIRE_RATE, base64ToPcm16, pcm16ToFloat } from './pcm.js';

export class Player {
  #current = null; // the reply being received: {item, resampler}
  #stats = { queued: 0, played: 0, silenceMidReply: 0, underruns: 0, cleared: 0, chunks: 0 };
  #playingItem = null;
  #listeners = { started: [], finished: [], cleared: [] };
  #pendingClears = [];

  constructor(context) {
    this.context = context;
    this.rate = context.sampleRate;
  }

  async init() {
    await this.context.audioWorklet.addModule(new URL('../worklets/player-worklet.js', import.meta.url));
    this.node = new AudioWorkletNode(this.context, 'confab-player', { numberOfInputs: 0, outputChannelCount: [1] });
    this.node.connect(this.context.destination);
    this.node.port.onmessage = (e) => this.#onMessage(e.data);
  }

  on(name, fn) {
    this.#listeners[name].push(fn);
  }

  #onMessage(msg) {
    if (msg.stats) this.#stats = msg.stats;
    if (msg.type === 'started') this.#playingItem = msg.item;
    if (msg.type === 'finished' && this.#playingItem === msg.item) this.#playingItem = null;
    if (msg.type === 'cleared') {
      this.#playingItem = null;
      const info = { item: msg.item, playedMs: this.#toMs(msg.played), droppedMs: this.#toMs(msg.dropped), at: performance.now() };
      // The worklet answers each clear with one `cleared`, in order: a
      // second clear sent before the first was answered learns that
      // nothing was playing any more, not the first one's item again.
      const resolve = this.#pendingClears.shift();
      if (resolve) resolve(info);
    }
    for (const fn of this.#listeners[msg.type] || []) fn({ ...msg, playedMs: this.#toMs(msg.played || 0) });
  }

  #toMs(samples) {
    return Math.floor((samples * 1000) / this.rate);
  }

  // The worklet's counters as last reported: {queued, played, silenceMidReply, underruns, cleared, chunks}.
  get stats() {
    return this.#stats;
  }

  // A reply is playing, or still being received. What plays while a clear
  // is on its way to the worklet does not count: it is being stopped, and
  // a second clear would only stop nothing (a reply received since does).
  get busy() {
    return (this.#playingItem !== null && this.#pendingClears.length === 0) || this.#current !== null;
  }

  // One response.output_audio.delta.
  enqueue(item, base64) {
    if (!this.#current || this.#current.item !== item) {
      this.#current = { item, resampler: new StreamingResampler(WIRE_RATE, this.rate, { maxBlock: 48000 }) };
    }
    const input = pcm16ToFloat(base64ToPcm16(base64));
    this.#post(item, input);
  }

  #post(item, input) {
    const r = this.#current.resampler;
    const out = new Float32Array(r.maxOutput(input.length));
    const n = r.process(input, out);
    const data = out.slice(0, n);
    this.node.port.postMessage({ type: 'chunk', item, data }, [data.buffer]);
  }

  // The item's last delta has arrived: flush the resampler's tail.
  end(item) {
    if (!this.#current || this.#current.item !== item) return;
    const r = this.#current.resampler;
    const out = new Float32Array(r.maxOutput(r.halfTaps * 2));
    const n = r.flush(out);
    const data = out.slice(0, n);
    this.node.port.postMessage({ type: 'chunk', item, data }, [data.buffer]);
    this.node.port.postMessage({ type: 'end', item });
    this.#current = null;
  }

  // Stops at once; resolves with {item, playedMs, droppedMs, at}.
  clear() {
    this.#current = null;
    const done = new Promise((resolve) => this.#pendingClears.push(resolve));
    this.node.port.postMessage({ type: 'clear' });
    return done;
  }

  // The connection dropped: stops whatever plays (as clear() does, if
  // anything does) and forgets the reply being received, whose end will
  // never come. Resolves like clear(), or with null when nothing played.
  reset() {
    if (!this.busy) return Promise.resolve(null);
    return this.clear();
  }
}
