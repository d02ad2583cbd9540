// Microphone capture on the audio rendering thread. The 128-sample render
// quanta go into a preallocated ring buffer; every 20 ms of audio at the
// context's real rate is taken out, resampled to 24 kHz and packed as one
// PCM16 frame, which is transferred (not copied) to the page together with
// its level. Nothing is posted per quantum and nothing is allocated on the
// hot path except the one frame that leaves.
import { StreamingResampler, WIRE_RATE, rms } from '../js/pcm.js';

const FRAME_MS = 20;

class CaptureProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.inFrame = Math.round((sampleRate * FRAME_MS) / 1000); // context-rate samples per frame
    this.outFrame = (WIRE_RATE * FRAME_MS) / 1000; // 480
    this.ring = new Float32Array(this.inFrame * 8);
    this.readAt = 0;
    this.writeAt = 0;
    this.count = 0;
    this.block = new Float32Array(this.inFrame);
    this.resampler = new StreamingResampler(sampleRate, WIRE_RATE, { maxBlock: this.inFrame });
    this.resampled = new Float32Array(this.resampler.maxOutput(this.inFrame));
    this.pending = new Float32Array(this.outFrame * 3); // leftover (< 1 frame) + one resampled block
    this.pendingCount = 0;
    this.enabled = true;
    this.port.onmessage = (e) => {
      if (e.data.type === 'enable') this.enabled = e.data.enabled;
    };
  }

  process(inputs) {
    const input = inputs[0];
    if (!input || input.length === 0) return true;
    const ch = input[0];
    for (let i = 0; i < ch.length; i++) {
      this.ring[this.writeAt] = ch[i];
      this.writeAt = (this.writeAt + 1) % this.ring.length;
      if (this.count < this.ring.length) this.count++;
      else this.readAt = (this.readAt + 1) % this.ring.length; // overrun: oldest dropped
    }
    while (this.count >= this.inFrame) this.emitFrame();
    return true;
  }

  emitFrame() {
    for (let i = 0; i < this.inFrame; i++) {
      this.block[i] = this.ring[this.readAt];
      this.readAt = (this.readAt + 1) % this.ring.length;
    }
    this.count -= this.inFrame;
    const n = this.resampler.process(this.block, this.resampled);
    this.pending.set(this.resampled.subarray(0, n), this.pendingCount);
    this.pendingCount += n;
    if (this.pendingCount < this.outFrame) return;
    const pcm = new Int16Array(this.outFrame);
    for (let i = 0; i < this.outFrame; i++) {
      const s = Math.max(-1, Math.min(1, this.pending[i]));
      pcm[i] = s < 0 ? Math.round(s * 32768) : Math.round(s * 32767);
    }
    const level = rms(this.pending, this.outFrame);
    this.pending.copyWithin(0, this.outFrame, this.pendingCount);
    this.pendingCount -= this.outFrame;
    this.port.postMessage({ type: 'frame', pcm, level, enabled: this.enabled }, [pcm.buffer]);
  }
}

registerProcessor('confab-capture', CaptureProcessor);
