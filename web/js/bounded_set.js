// A set that remembers at most `limit` values: adding one more forgets the
// oldest. The page keeps the ids of cancelled responses in one, so that
// their late audio is dropped without the set growing for the whole
// conversation. Pure; unit-tested in tests/web/client_state.test.mjs.
export class BoundedSet {
  constructor(limit = 64) {
    if (!(limit >= 1)) throw new RangeError('limit must be at least 1');
    this.limit = limit;
    this.values = new Set(); // insertion order is age order
  }

  // Adding a value already present does not make it younger.
  add(value) {
    if (this.values.has(value)) return this;
    this.values.add(value);
    if (this.values.size > this.limit) this.values.delete(this.values.values().next().value);
    return this;
  }

  has(value) {
    return this.values.has(value);
  }

  get size() {
    return this.values.size;
  }

  clear() {
    this.values.clear();
  }
}
