// Reply playback on the audio rendering thread: chunks (already at the
// context's rate) arrive tagged with their conversation item and are copied
// into a preallocated ring buffer (SampleQueue), played after a small jitter
// buffer fills. A `clear` message empties it before the next render
// quantum. It counts samples queued, played and silence inserted while a
// reply was still open (an underrun), and posts those counters to the page,
// which exposes them for tests. process() allocates nothing: the queue is
// read in place and the messages it posts are preallocated objects, filled
// in before each post (postMessage copies them).
import { SampleQueue } from '../js/sample_queue.js';

const PREBUFFER_MS = 60;
const STATS_EVERY_QUANTA = 40; // ~100 ms at 48 kHz
const RING_SECONDS = 10; // grows (when a chunk arrives, never in process()) if a reply runs further ahead

class PlayerProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.prebuffer = Math.round((sampleRate * PREBUFFER_MS) / 1000);
    this.queue = new SampleQueue(sampleRate * RING_SECONDS);
    this.item = null; // the item playing (or about to)
    this.itemPlayed = 0; // its samples played so far
    this.ended = new Set(); // items whose last chunk has arrived
    this.playing = false;
    this.stats = { queued: 0, played: 0, silenceMidReply: 0, underruns: 0, cleared: 0, chunks: 0 };
    this.quanta = 0;
    this.inUnderrun = false;
    this.statsMsg = { type: 'stats', stats: this.stats };
    this.startedMsg = { type: 'started', item: null };
    this.finishedMsg = { type: 'finished', item: null, played: 0, stats: this.stats };
    this.port.onmessage = (e) => this.onMessage(e.data);
  }

  onMessage(msg) {
    if (msg.type === 'chunk') {
      this.queue.push(msg.item, msg.data);
      this.stats.queued += msg.data.length;
      this.stats.chunks++;
    } else if (msg.type === 'end') {
      this.ended.add(msg.item);
    } else if (msg.type === 'clear') {
      const item = this.item;
      const played = this.itemPlayed;
      const dropped = this.queue.length;
      this.queue.clear();
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
    const q = this.queue;
    let i = 0;
    if (!this.playing && q.segments > 0) {
      const head = q.headItem;
      // Start once the jitter buffer holds enough, or the whole reply is in.
      if (q.length >= this.prebuffer || this.ended.has(head)) {
        this.playing = true;
        if (this.item !== head) this.startItem(head);
      }
    }
    while (this.playing && i < out.length && q.segments > 0) {
      if (q.headItem !== this.item) this.startItem(q.headItem); // the next reply follows at once
      const n = q.read(out, i, Math.min(out.length - i, q.headLength));
      i += n;
      this.itemPlayed += n;
      this.stats.played += n;
    }
    if (i < out.length) {
      out.fill(0, i);
      if (this.item !== null) {
        if (q.segments === 0 && this.ended.has(this.item)) {
          this.finishItem();
          this.playing = false;
        } else {
          // A reply is open but its audio is late: silence inserted mid-reply.
          this.stats.silenceMidReply += out.length - i;
          if (!this.inUnderrun) this.stats.underruns++;
          this.inUnderrun = true;
          if (q.segments === 0) this.playing = false; // refill the jitter buffer first
        }
      }
    } else {
      this.inUnderrun = false;
    }
    for (let c = 1; c < outputs[0].length; c++) outputs[0][c].set(out);
    if (++this.quanta % STATS_EVERY_QUANTA === 0) this.port.postMessage(this.statsMsg);
    return true;
  }

  startItem(item) {
    this.finishItem();
    this.item = item;
    this.itemPlayed = 0;
    this.inUnderrun = false;
    this.startedMsg.item = item;
    this.port.postMessage(this.startedMsg);
  }

  finishItem() {
    if (this.item === null) return;
    this.finishedMsg.item = this.item;
    this.finishedMsg.played = this.itemPlayed;
    this.port.postMessage(this.finishedMsg);
    this.ended.delete(this.item);
    this.item = null;
    this.itemPlayed = 0;
  }
}

registerProcessor('confab-player', PlayerProcessor);
