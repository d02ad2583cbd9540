// The pure audio helpers of the browser client (web/js/pcm.js): the
// streaming resampler keeps tones in band, removes what would alias, and
// gives the same result whatever the block size; PCM16 packing and base64
// round-trip exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  StreamingResampler, FramePacker, floatToPcm16, pcm16ToFloat, pcm16ToBase64, base64ToPcm16, rms,
} from '../../web/js/pcm.js';

function tone(freq, rate, seconds, amp = 0.5) {
  const n = Math.round(rate * seconds);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = amp * Math.sin((2 * Math.PI * freq * i) / rate);
  return out;
}

function resampleAll(input, inRate, outRate, block) {
  const r = new StreamingResampler(inRate, outRate, { maxBlock: Math.max(block, 64) });
  const parts = [];
  for (let i = 0; i < input.length; i += block) {
    const chunk = input.subarray(i, i + block);
    const out = new Float32Array(r.maxOutput(chunk.length));
    parts.push(out.slice(0, r.process(chunk, out)));
  }
  const tail = new Float32Array(r.maxOutput(r.halfTaps * 2));
  parts.push(tail.slice(0, r.flush(tail)));
  const total = parts.reduce((s, p) => s + p.length, 0);
  const all = new Float32Array(total);
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.length;
  }
  return all;
}

// Amplitude of `freq` in `x` (a single-bin DFT), on the steady middle part.
function amplitudeAt(x, freq, rate) {
  const from = Math.floor(x.length / 4);
  const to = Math.floor((3 * x.length) / 4);
  let re = 0;
  let im = 0;
  for (let i = from; i < to; i++) {
    re += x[i] * Math.cos((2 * Math.PI * freq * i) / rate);
    im += x[i] * Math.sin((2 * Math.PI * freq * i) / rate);
  }
  return (2 * Math.hypot(re, im)) / (to - from);
}

for (const inRate of [44100, 48000, 16000]) {
  test(`resampling ${inRate} -> 24000 keeps a 1 kHz tone and the length`, () => {
    const input = tone(1000, inRate, 1);
    const out = resampleAll(input, inRate, 24000, 882);
    const expected = 24000 + 32 * (24000 / inRate); // plus the flushed tail
    assert.ok(Math.abs(out.length - expected) <= 3, `${out.length} vs ${expected}`);
    const amp = amplitudeAt(out, 1000, 24000);
    assert.ok(Math.abs(amp - 0.5) < 0.01, `amplitude ${amp}`);
  });
}

test('downsampling 48000 -> 24000 suppresses a tone above the new Nyquist', () => {
  // 15 kHz would alias to 9 kHz without the low-pass.
  const out = resampleAll(tone(15000, 48000, 1), 48000, 24000, 960);
  assert.ok(amplitudeAt(out, 9000, 24000) < 0.005, 'aliased energy at 9 kHz');
  assert.ok(rms(out) < 0.01, `rms ${rms(out)}`);
});

test('upsampling 24000 -> 44100 keeps a 440 Hz tone', () => {
  const out = resampleAll(tone(440, 24000, 1), 24000, 44100, 2400);
  assert.ok(Math.abs(amplitudeAt(out, 440, 44100) - 0.5) < 0.01);
});

test('the output does not depend on the block size', () => {
  const input = tone(700, 44100, 0.3);
  const a = resampleAll(input, 44100, 24000, 128);
  const b = resampleAll(input, 44100, 24000, 4410);
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-6, `sample ${i}`);
});

test('FramePacker emits fixed frames of PCM16 in order', () => {
  const frames = [];
  const packer = new FramePacker(480, (f) => frames.push(f));
  const ramp = new Float32Array(1000).map((_, i) => (i % 200) / 400);
  packer.push(ramp.subarray(0, 300));
  packer.push(ramp.subarray(300));
  assert.equal(frames.length, 2);
  assert.equal(frames[0].length, 480);
  assert.notEqual(frames[0], frames[1]); // each frame is its own buffer (transferable)
  assert.equal(frames[1][0], Math.round((480 % 200) / 400 * 32767));
});

test('PCM16 conversion clips and round-trips through base64', () => {
  const pcm = floatToPcm16(new Float32Array([0, 1, -1, 2, -2, 0.5]));
  assert.deepEqual([...pcm], [0, 32767, -32768, 32767, -32768, 16384]);
  const back = base64ToPcm16(pcm16ToBase64(pcm));
  assert.deepEqual([...back], [...pcm]);
  assert.equal(pcm16ToFloat(new Int16Array([-32768]))[0], -1);
  // Little-endian bytes on the wire.
  assert.equal(pcm16ToBase64(new Int16Array([1])), 'AQA=');
});
