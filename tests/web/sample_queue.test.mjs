// The player worklet's ring buffer (web/js/sample_queue.js): samples come
// out in order, each run with its item, across wrap-around and growth.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SampleQueue } from '../../web/js/sample_queue.js';

const ramp = (from, n) => Float32Array.from({ length: n }, (_, i) => from + i);

// Reads like the worklet: blocks of `block` samples, switching item as the
// head segment changes. Returns [[item, samples...], ...] runs.
function drain(q, block = 128) {
  const runs = [];
  const out = new Float32Array(block);
  while (q.segments > 0) {
    let i = 0;
    while (i < block && q.segments > 0) {
      const item = q.headItem;
      const n = q.read(out, i, Math.min(block - i, q.headLength));
      if (!runs.length || runs[runs.length - 1][0] !== item) runs.push([item]);
      runs[runs.length - 1].push(...out.subarray(i, i + n));
      i += n;
    }
  }
  return runs;
}

test('samples come out in order, in runs of their item', () => {
  const q = new SampleQueue(1024, 4);
  q.push('a', ramp(0, 100));
  q.push('a', ramp(100, 100)); // same item: one run
  q.push('b', ramp(1000, 50));
  assert.equal(q.length, 250);
  assert.equal(q.segments, 2);
  assert.equal(q.headItem, 'a');
  assert.equal(q.headLength, 200);
  const runs = drain(q);
  assert.deepEqual(runs.map((r) => r[0]), ['a', 'b']);
  assert.deepEqual(runs[0].slice(1), [...ramp(0, 200)]);
  assert.deepEqual(runs[1].slice(1), [...ramp(1000, 50)]);
  assert.equal(q.length, 0);
  assert.equal(q.headItem, null);
});

test('reads wrap around the ring without losing a sample', () => {
  const q = new SampleQueue(300, 4);
  const out = new Float32Array(128);
  let next = 0;
  let expect = 0;
  for (let round = 0; round < 50; round++) {
    q.push('x', ramp(next, 97));
    next += 97;
    while (q.length >= 128) {
      q.read(out, 0, 128);
      for (const v of out) assert.equal(v, expect++);
    }
  }
  assert.equal(q.capacity, 300); // never more than 300 queued: no growth
});

test('the ring and the segment table grow when a reply runs ahead', () => {
  const q = new SampleQueue(64, 2);
  const out = new Float32Array(30);
  q.push('a', ramp(0, 40));
  q.read(out, 0, 30); // the read position is mid-ring now
  for (let k = 0; k < 5; k++) q.push(`i${k}`, ramp(100 * (k + 1), 60));
  assert.ok(q.capacity >= 310);
  assert.equal(q.length, 310);
  assert.equal(q.segments, 6);
  const runs = drain(q, 128);
  assert.deepEqual(runs.map((r) => r[0]), ['a', 'i0', 'i1', 'i2', 'i3', 'i4']);
  assert.deepEqual(runs[0].slice(1), [...ramp(30, 10)]);
  for (let k = 0; k < 5; k++) assert.deepEqual(runs[k + 1].slice(1), [...ramp(100 * (k + 1), 60)]);
});

test('growing keeps contents that wrap around the ring end, in order', () => {
  const q = new SampleQueue(8, 4);
  const out = new Float32Array(16);
  q.push('a', ramp(0, 6));
  q.read(out, 0, 4); // read position 4, two samples left
  q.push('a', ramp(6, 4)); // wraps: two at the end, two at the start
  assert.equal(q.capacity, 8);
  q.push('b', ramp(10, 5)); // 11 queued: grows with the wrapped contents
  assert.equal(q.capacity, 16);
  assert.deepEqual(drain(q, 4), [['a', ...ramp(4, 6)], ['b', ...ramp(10, 5)]]);
});

test('an empty chunk is a segment of its own, passed with a read of 0', () => {
  const q = new SampleQueue(16, 2);
  q.push('a', new Float32Array(0));
  assert.equal(q.segments, 1);
  assert.equal(q.headItem, 'a');
  assert.equal(q.headLength, 0);
  assert.equal(q.read(new Float32Array(4), 0, 0), 0);
  assert.equal(q.segments, 0);
});

test('push takes a prefix; clear empties everything', () => {
  const q = new SampleQueue(8, 2);
  q.push('a', ramp(0, 8), 3);
  assert.equal(q.length, 3);
  q.push('b', ramp(10, 4));
  q.clear();
  assert.equal(q.length, 0);
  assert.equal(q.segments, 0);
  assert.equal(q.headItem, null);
  q.push('c', ramp(20, 2));
  const out = new Float32Array(2);
  q.read(out, 0, 2);
  assert.deepEqual([...out], [20, 21]);
});

// The audio thread's hot path, read as source: process() and what it calls
// must not allocate (no `new`, array or object literal, closure, slice or
// subarray, spread or string building).
function methodBody(source, signature) {
  const start = source.indexOf(signature);
  assert.ok(start >= 0, `no ${signature}`);
  const open = source.indexOf('{', start + signature.length - 1);
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    if (source[i] === '{') depth++;
    else if (source[i] === '}' && --depth === 0) return source.slice(open + 1, i);
  }
  throw new Error(`unbalanced ${signature}`);
}

test('the player worklet renders without allocating', async () => {
  const { readFileSync } = await import('node:fs');
  const read = (p) => readFileSync(new URL(p, import.meta.url), 'utf8').replace(/\/\/.*$/gm, '');
  const worklet = read('../../web/worklets/player-worklet.js');
  const queue = read('../../web/js/sample_queue.js');
  const hot = {
    process: methodBody(worklet, 'process(_inputs, outputs) {'),
    startItem: methodBody(worklet, 'startItem(item) {'),
    finishItem: methodBody(worklet, 'finishItem() {'),
    read: methodBody(queue, 'read(out, at, n) {'),
    headItem: methodBody(queue, 'get headItem() {'),
    headLength: methodBody(queue, 'get headLength() {'),
    segments: methodBody(queue, 'get segments() {'),
  };
  for (const [name, body] of Object.entries(hot)) {
    assert.ok(body.trim().length > 0, name);
    for (const [what, re] of [
      ['new', /\bnew\b/],
      ['an array literal', /(^|[=(,:?\s])\[/m],
      ['an object literal', /[=(,:?]\s*\{/],
      ['a closure', /=>|\bfunction\b/],
      ['a copy', /\.(slice|subarray|concat|map|filter|from)\(|\.\.\./],
      ['a string', /[`'"]/],
    ]) {
      assert.doesNotMatch(body, re, `${name} allocates: ${what}`);
    }
  }
  // Its messages are objects made once, filled in before each post.
  assert.match(hot.process, /postMessage\(this\.statsMsg\)/);
  assert.match(hot.startItem, /postMessage\(this\.startedMsg\)/);
  assert.match(hot.finishItem, /postMessage\(this\.finishedMsg\)/);
});
