// The player worklet's queue: samples in a preallocated ring buffer, cut
// into runs ("segments") that each belong to one conversation item, in the
// order they arrived. Reading (on the audio thread, every render quantum)
// never allocates; only writing (when a chunk arrives from the page) may,
// and only to grow the ring or the segment table when a reply arrives
// faster than it plays. Pure; unit-tested in tests/web/sample_queue.test.mjs.
export class SampleQueue {
  constructor(capacity = 48000, maxSegments = 64) {
    this.ring = new Float32Array(Math.max(1, capacity));
    this.readAt = 0; // index in ring of the oldest sample
    this.length = 0; // samples queued
    this.segItems = new Array(Math.max(1, maxSegments)).fill(null);
    this.segLengths = new Float64Array(this.segItems.length); // samples left in each segment
    this.segHead = 0;
    this.segCount = 0;
  }

  get capacity() {
    return this.ring.length;
  }

  // Segments queued, counting empty ones still to be passed (a chunk of 0
  // samples is kept as a segment, like any other chunk).
  get segments() {
    return this.segCount;
  }

  // The item of the oldest segment, or null when there is none.
  get headItem() {
    return this.segCount > 0 ? this.segItems[this.segHead] : null;
  }

  // Samples left in the oldest segment.
  get headLength() {
    return this.segCount > 0 ? this.segLengths[this.segHead] : 0;
  }

  // Appends `data` (a Float32Array, or `n` of its first samples) for `item`.
  push(item, data, n = data.length) {
    this.#reserve(this.length + n);
    const last = this.segCount > 0 ? (this.segHead + this.segCount - 1) % this.segItems.length : -1;
    if (last >= 0 && this.segItems[last] === item && n > 0) {
      this.segLengths[last] += n;
    } else {
      if (this.segCount === this.segItems.length) this.#growSegments();
      const at = (this.segHead + this.segCount) % this.segItems.length;
      this.segItems[at] = item;
      this.segLengths[at] = n;
      this.segCount++;
    }
    // Two block copies (the part up to the ring's end, then the rest from 0);
    // the views they take are made here, off the render path.
    const cap = this.ring.length;
    const w = (this.readAt + this.length) % cap;
    const first = Math.min(n, cap - w);
    this.ring.set(data.subarray(0, first), w);
    if (first < n) this.ring.set(data.subarray(first, n), 0);
    this.length += n;
  }

  // Copies `n` samples of the oldest segment (n <= headLength) into
  // out[at..at+n) and drops them; the segment goes once it is used up
  // (an empty one goes with n = 0). Returns n.
  read(out, at, n) {
    if (this.segCount === 0) return 0;
    const cap = this.ring.length;
    let r = this.readAt;
    for (let i = 0; i < n; i++) {
      out[at + i] = this.ring[r];
      if (++r === cap) r = 0;
    }
    this.readAt = r;
    this.length -= n;
    this.segLengths[this.segHead] -= n;
    if (this.segLengths[this.segHead] <= 0) {
      this.segItems[this.segHead] = null;
      this.segLengths[this.segHead] = 0;
      this.segHead = (this.segHead + 1) % this.segItems.length;
      this.segCount--;
    }
    return n;
  }

  clear() {
    for (let i = 0; i < this.segItems.length; i++) this.segItems[i] = null;
    this.segLengths.fill(0);
    this.readAt = 0;
    this.length = 0;
    this.segHead = 0;
    this.segCount = 0;
  }

  // Room for `needed` samples: doubles the ring (keeping its contents in
  // order from index 0) until they fit.
  #reserve(needed) {
    if (needed <= this.ring.length) return;
    let cap = this.ring.length;
    while (cap < needed) cap *= 2;
    const ring = new Float32Array(cap);
    const old = this.ring;
    const first = Math.min(this.length, old.length - this.readAt);
    ring.set(old.subarray(this.readAt, this.readAt + first), 0);
    if (first < this.length) ring.set(old.subarray(0, this.length - first), first);
    this.ring = ring;
    this.readAt = 0;
  }

  #growSegments() {
    const size = this.segItems.length;
    const items = new Array(size * 2).fill(null);
    const lengths = new Float64Array(size * 2);
    for (let i = 0; i < this.segCount; i++) {
      items[i] = this.segItems[(this.segHead + i) % size];
      lengths[i] = this.segLengths[(this.segHead + i) % size];
    }
    this.segItems = items;
    this.segLengths = lengths;
    this.segHead = 0;
  }
}
