// Reply playback on the audio rendering thread: a queue of chunks (already
// at the context's rate), each tagged with its conversation item, played
// after a small jitter buffer fills. A `clear` message empties it before
// the next render quantum. It counts samples queued, played and silence
// inserted while a reply was still open (an underrun), and posts those
// counters to the page, which exposes them for tests.
const PREBUFFER_MS = 60;
const STATS_EVERY_QUANTA = 40; // ~100 ms at 48 kHz

class PlayerProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.prebuffer = Math.round((sampleRate * PREBUFFER_MS) / 1000);
    this.chunks = []; // {item, data: Float32Array, offset}
    this.queuedSamples = 0; // not yet played
    this.item = null; // the item playing (or about to)
    this.itemPlayed = 0; // its samples played so far
    this.ended = new Set(); // items whose last chunk has arrived
    this.playing = false;
    this.stats = { queued: 0, played: 0, silenceMidReply: 0, underruns: 0, cleared: 0, chunks: 0 };
    this.quanta = 0;
    this.port.onmessage = (e) => this.onMessage(e.data);
  }

  onMessage(msg) {
    if (msg.type === 'chunk') {
      this.chunks.push({ item: msg.item, data: msg.data, offset: 0 });
      this.queuedSamples += msg.data.length;
      this.stats.queued += msg.data.length;
      this.stats.chunks++;
    } else if (msg.type === 'end') {
      this.ended.add(msg.item);
    } else if (msg.type === 'clear') {
      const item = this.item;
      const played = this.itemPlayed;
      const dropped = this.queuedSamples;
      this.chunks.length = 0;
      this.queuedSamples = 0;
      this.playing = false;
      this.item = null;
      this.itemPlayed = 0;
      this.ended.clear();
      this.stats.cleared++;
      this.port.postMessage({ type: 'cleared', item, played, dropped, at: currentTime, stats: this.stats });
    }
  }

  process(_inputs, outputs) {
    const out = outputs[0][0];
    let i = 0;
    if (!this.playing && this.chunks.length > 0) {
      const head = this.chunks[0].item;
      // Start once the jitter buffer holds enough, or the whole reply is in.
      if (this.queuedSamples >= this.prebuffer || this.ended.has(head)) {
        this.playing = true;
        if (this.item !== head) this.startItem(head);
      }
    }
    while (this.playing && i < out.length && this.chunks.length > 0) {
      const c = this.chunks[0];
      if (c.item !== this.item) this.startItem(c.item); // the next reply follows at once
      const n = Math.min(out.length - i, c.data.length - c.offset);
      out.set(c.data.subarray(c.offset, c.offset + n), i);
      i += n;
      c.offset += n;
      this.queuedSamples -= n;
      this.itemPlayed += n;
      this.stats.played += n;
      if (c.offset === c.data.length) this.chunks.shift();
    }
    if (i < out.length) {
      out.fill(0, i);
      if (this.item !== null) {
        if (this.chunks.length === 0 && this.ended.has(this.item)) {
          this.finishItem();
          this.playing = false;
        } else {
          // A reply is open but its audio is late: silence inserted mid-reply.
          this.stats.silenceMidReply += out.length - i;
          if (!this.inUnderrun) this.stats.underruns++;
          this.inUnderrun = true;
          if (this.chunks.length === 0) this.playing = false; // refill the jitter buffer first
        }
      }
    } else {
      this.inUnderrun = false;
    }
    for (let c = 1; c < outputs[0].length; c++) outputs[0][c].set(out);
    if (++this.quanta % STATS_EVERY_QUANTA === 0) this.port.postMessage({ type: 'stats', stats: this.stats });
    return true;
  }

  startItem(item) {
    this.finishItem();
    this.item = item;
    this.itemPlayed = 0;
    this.inUnderrun = false;
    this.port.postMessage({ type: 'started', item });
  }

  finishItem() {
    if (this.item === null) return;
    this.port.postMessage({ type: 'finished', item: this.item, played: this.itemPlayed, stats: this.stats });
    this.ended.delete(this.item);
    this.item = null;
    this.itemPlayed = 0;
  }
}

registerProcessor('confab-player', PlayerProcessor);
