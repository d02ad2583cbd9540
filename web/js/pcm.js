// Pure audio helpers shared by the page and the worklets: a streaming
// windowed-sinc resampler, float <-> PCM16 conversion and base64. No DOM,
// no Web Audio: unit-tested with `node --test` (tests/web/pcm.test.mjs).

// The wire format of the Realtime protocol: PCM16 mono at 24 kHz.
export const WIRE_RATE = 24000;

// Converts any rate to any other, one block at a time, with the state
// carried between blocks so that frame boundaries leave no clicks. A
// Blackman-windowed sinc whose cutoff sits below the lower Nyquist
// frequency, so downsampling 48 kHz -> 24 kHz does not fold 12-24 kHz
// back into the speech band (linear interpolation would). The kernel is
// tabulated once per phase; `process` allocates nothing.
export class StreamingResampler {
  constructor(inRate, outRate, { halfTaps = 16, phases = 256, maxBlock = 8192 } = {}) {
    this.inRate = inRate;
    this.outRate = outRate;
    this.step = inRate / outRate; // input samples per output sample
    this.halfTaps = halfTaps;
    this.phases = phases;
    const cutoff = 0.45 * Math.min(1, outRate / inRate); // cycles per input sample
    const taps = 2 * halfTaps;
    this.table = new Float32Array((phases + 1) * taps);
    for (let p = 0; p <= phases; p++) {
      const frac = p / phases;
      let sum = 0;
      for (let k = 0; k < taps; k++) {
        // Tap k weighs input sample floor(t) - halfTaps + 1 + k.
        const x = k - halfTaps + 1 - frac;
        const sinc = x === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
        const w = (x + halfTaps) / taps; // 0..1 across the window
        const blackman = 0.42 - 0.5 * Math.cos(2 * Math.PI * w) + 0.08 * Math.cos(4 * Math.PI * w);
        const v = sinc * Math.max(0, blackman);
        this.table[p * taps + k] = v;
        sum += v;
      }
      // Unity gain at DC for every phase.
      for (let k = 0; k < taps; k++) this.table[p * taps + k] /= sum;
    }
    // History: the last taps samples of the previous blocks, then the new block.
    this.buffer = new Float32Array(taps + maxBlock);
    this.reset();
  }

  reset() {
    this.buffer.fill(0);
    this.filled = this.halfTaps * 2 - 1; // samples in buffer; starts with zeros (latency = halfTaps)
    this.pos = this.halfTaps - 1; // position of the next output in buffer coordinates
  }

  // Upper bound of outputs `process` may write for `n` inputs.
  maxOutput(n) {
    return Math.ceil((n + this.halfTaps * 2) / this.step) + 2;
  }

  // Resamples `input` (Float32Array) into `output`; returns how many
  // samples were written. `output` must hold maxOutput(input.length).
  process(input, output) {
    const taps = this.halfTaps * 2;
    let written = 0;
    let offset = 0;
    while (offset < input.length) {
      const room = this.buffer.length - this.filled;
      const n = Math.min(room, input.length - offset);
      this.buffer.set(input.subarray(offset, offset + n), this.filled);
      this.filled += n;
      offset += n;
      // Produce every output whose window lies inside the buffer.
      while (true) {
        const base = Math.floor(this.pos);
        if (base + this.halfTaps >= this.filled) break;
        const frac = this.pos - base;
        const p = Math.round(frac * this.phases);
        const row = p * taps;
        const start = base - this.halfTaps + 1;
        let acc = 0;
        for (let k = 0; k < taps; k++) acc += this.table[row + k] * this.buffer[start + k];
        output[written++] = acc;
        this.pos += this.step;
      }
      // Keep only what later outputs still need.
      const keepFrom = Math.max(0, Math.floor(this.pos) - this.halfTaps + 1);
      if (keepFrom > 0) {
        this.buffer.copyWithin(0, keepFrom, this.filled);
        this.filled -= keepFrom;
        this.pos -= keepFrom;
      }
    }
    return written;
  }

  // Pushes zeros through so the last real samples come out (end of a stream).
  flush(output) {
    return this.process(new Float32Array(this.halfTaps * 2), output);
  }
}

// Float [-1, 1] -> PCM16, clipped.
export function floatToPcm16(input, output = new Int16Array(input.length)) {
  for (let i = 0; i < input.length; i++) {
    const s = Math.max(-1, Math.min(1, input[i]));
    output[i] = s < 0 ? Math.round(s * 32768) : Math.round(s * 32767);
  }
  return output;
}

export function pcm16ToFloat(input, output = new Float32Array(input.length)) {
  for (let i = 0; i < input.length; i++) output[i] = input[i] / 32768;
  return output;
}

// Root mean square of a block, for the level meter.
export function rms(samples, length = samples.length) {
  let sum = 0;
  for (let i = 0; i < length; i++) sum += samples[i] * samples[i];
  return length ? Math.sqrt(sum / length) : 0;
}

// Gathers samples into fixed-size PCM16 frames (the frames sent upstream).
// `onFrame` receives a fresh Int16Array per frame, so it may be transferred.
export class FramePacker {
  constructor(frameSamples, onFrame) {
    this.frameSamples = frameSamples;
    this.onFrame = onFrame;
    this.frame = new Int16Array(frameSamples);
    this.used = 0;
  }
  push(samples, length = samples.length) {
    for (let i = 0; i < length; i++) {
      const s = Math.max(-1, Math.min(1, samples[i]));
      this.frame[this.used++] = s < 0 ? Math.round(s * 32768) : Math.round(s * 32767);
      if (this.used === this.frameSamples) {
        const full = this.frame;
        this.frame = new Int16Array(this.frameSamples);
        this.used = 0;
        this.onFrame(full);
      }
    }
  }
}

// Little-endian bytes of PCM16 <-> base64 (the wire's `audio` fields).
export function pcm16ToBase64(pcm) {
  const bytes = new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  let binary = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}

export function base64ToPcm16(b64) {
  const binary = atob(b64);
  const n = binary.length >> 1;
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    const v = binary.charCodeAt(2 * i) | (binary.charCodeAt(2 * i + 1) << 8);
    out[i] = v >= 0x8000 ? v - 0x10000 : v;
  }
  return out;
}
