// Microphone capture on the audio rendering thread. The 128-sample render
// quanta go into a preallocated ring buffer; every 20 ms of audio at the
// context's real rate is taken out, resampled to 24 kHz and packed into
// 20 ms PCM16 frames, each transferred (not copied) to the page together
// with its level. Nothing is posted per quantum and nothing is allocated on
// the hot path except the one frame that leaves.
import { FramePacker, StreamingResampler, WIRE_RATE, rms } from '../js/pcm.js';

const FRAME_MS = 20;

class CaptureProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.inFrame = Math.round((sampleRate * FRAME_MS) / 1000); // context-rate samples per frame
    this.ring = new Float32Array(this.inFrame * 8);
    this.readAt = 0;
    this.writeAt = 0;
    this.count = 0;
    this.block = new Float32Array(this.inFrame);
    this.resampler = new StreamingResampler(sampleRate, WIRE_RATE, { maxBlock: this.inFrame });
    this.resampled = new Float32Array(this.resampler.maxOutput(this.inFrame));
    this.packer = new FramePacker((WIRE_RATE * FRAME_MS) / 1000, (pcm) => {
      const level = rms(pcm) / 32768;
      this.port.postMessage({ type: 'frame', pcm, level }, [pcm.buffer]);
    });
  }

  process(inputs) {
    const input = inputs[0];
    if (!input || input.length === 0) return true;
    const ch = input[0];
    for (let i = 0; i < ch.length; i++) {
      this.ring[this.writeAt] = ch[i];
      this.writeAt = (this.writeAt + 1) % this.ring.length;
      if (this.count < this.ring.length) this.count++;
      else this.readAt = (this.readAt + 1) % this.ring.length; // overrun: the oldest is dropped
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
    this.packer.push(this.resampled, n);
  }
}

registerProcessor('confab-capture', CaptureProcessor);
