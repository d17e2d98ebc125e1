// The JavaScript twin computes what nnlib computes: `make playground` (node --test tests/playground/).
//
// The fixtures come from nnlib at test time (tests/playground/make_fixtures.py writes them to
// $NNBOOK_FIXTURES); the same check runs in Chromium in tests/browser/test_playground.py.
"use strict";
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const test = require("node:test");

const nn = require("../../book/_ext/playground/nn.js");
const parity = require("./parity.js");

const FIXTURES = process.env.NNBOOK_FIXTURES || path.join(__dirname, "../../_build/playground/fixtures.json");

function loadFixtures() {
  if (!fs.existsSync(FIXTURES)) {
    throw new Error(`no parity fixtures at ${FIXTURES}: run \`make playground\`, which writes them with ` +
                    "`python tests/playground/make_fixtures.py` before running these tests");
  }
  return JSON.parse(fs.readFileSync(FIXTURES, "utf8"));
}

function report(results) {
  return results.map((r) => `${r.name} / ${r.what}: ${r.relative.toExponential(2)}`).join("\n");
}

test("the twin reproduces every fixture nnlib wrote to 1e-9 relative", () => {
  const fixtures = loadFixtures();
  const kinds = new Set(fixtures.cases.map((c) => c.kind));
  assert.deepEqual([...kinds].sort(), ["network", "neuron"]);
  const results = parity.check(nn, fixtures);
  assert.ok(results.length > 50, `only ${results.length} checks`);
  const missed = parity.failures(results);
  assert.equal(missed.length, 0, `the twin differs from nnlib:\n${report(missed)}`);
  const worst = Math.max(...results.map((r) => r.relative));
  console.log(`# ${results.length} checks over ${fixtures.cases.length} cases; worst relative difference ${worst.toExponential(2)}`);
});

test("the fixtures cover what the playground offers", () => {
  const cases = loadFixtures().cases.filter((c) => c.kind === "network");
  const covered = (key) => new Set(cases.map(key));
  assert.deepEqual([...covered((c) => c.activation)].sort(), ["relu", "sigmoid", "tanh"]);
  assert.deepEqual([...covered((c) => c.optimizer.name)].sort(), ["adam", "sgd"]);
  assert.deepEqual([...covered((c) => c.layers.length - 1)].sort(), [1, 2, 3]); // hidden layers
  assert.ok(cases.some((c) => c.l2 > 0) && cases.some((c) => c.l2 === 0));
  assert.ok(cases.some((c) => c.batches.some((b) => b.length === 1)), "a batch of one");
  assert.ok(cases.some((c) => c.batches.at(-1).length < c.batches[0].length), "a short last batch");
});

// The check is sharp: twins that are each wrong in one small way, as a change to nnlib
// would make them, fail it. (If these passed, the check above would prove nothing.)
const WRONG_TWINS = {
  "Adam with eps = 1e-8 (PyTorch's default) instead of 1e-7": {
    Adam: class extends nn.Adam {
      constructor(lr, beta1, beta2, eps) { super(lr, beta1, beta2, eps === 1e-7 || eps === undefined ? 1e-8 : eps); }
    },
  },
  "Adam whose bias correction stays at its first step": {
    Adam: class extends nn.Adam {
      step(params, grads) { super.step(params, grads); this.t = 0; }
    },
  },
  "L2 that also penalises the biases": {
    Dense: class extends nn.Dense {
      backward(dZ, inputGrad) {
        const dX = super.backward(dZ, inputGrad);
        for (let j = 0; j < this.b.length; j++) this.db[j] += this.l2 * this.b[j];
        return dX;
      }
    },
  },
  "cross-entropy summed over the batch instead of averaged": {
    SoftmaxCrossEntropy: class extends nn.SoftmaxCrossEntropy {
      backward() {
        const dZ = super.backward();
        for (let k = 0; k < dZ.data.length; k++) dZ.data[k] *= dZ.rows;
        return dZ;
      }
    },
  },
  "chapter 1's neuron stepping with a learning rate larger by one part in a million": {
    neuronStep: (X, Y, w, b, lr) => nn.neuronStep(X, Y, w, b, lr * (1 + 1e-6)),
  },
};

for (const [what, replacement] of Object.entries(WRONG_TWINS)) {
  test(`the check catches a twin with ${what}`, () => {
    const wrong = { ...nn, ...replacement };
    const missed = parity.failures(parity.check(wrong, loadFixtures()));
    assert.ok(missed.length > 0, `a twin with ${what} passed the parity check`);
  });
}

// ----------------------------------------------------------------- the helpers the playground uses
test("minibatches cuts an order into batches, the last one shorter", () => {
  assert.deepEqual(nn.minibatches([4, 2, 0, 1, 3], 2), [[4, 2], [0, 1], [3]]);
  assert.deepEqual(nn.minibatches([1, 0], 5), [[1, 0]]);
});

test("takeRows gathers rows in the given order", () => {
  const X = nn.matrix(3, 2, Float64Array.from([1, 2, 3, 4, 5, 6]));
  assert.deepEqual(Array.from(nn.takeRows(X, [2, 0]).data), [5, 6, 1, 2]);
});

test("the random numbers are seeded: the same seed, the same numbers; another seed, others", () => {
  const draw = (seed) => Array.from({ length: 5 }, nn.makeRng(seed));
  assert.deepEqual(draw(3), draw(3));
  assert.notDeepEqual(draw(3), draw(4));
  const order = nn.permutation(50, nn.makeRng(1));
  assert.deepEqual([...order].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
  assert.notDeepEqual(order, Array.from({ length: 50 }, (_, i) => i));
});

test("normal numbers have mean 0 and variance 1; he() has variance 2 / n_in", () => {
  const rng = nn.makeRng(7);
  const n = 100000;
  const z = Array.from({ length: n }, () => nn.normal(rng));
  const mean = z.reduce((s, v) => s + v, 0) / n;
  const variance = z.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
  assert.ok(Math.abs(mean) < 0.02 && Math.abs(variance - 1) < 0.02, `mean ${mean}, variance ${variance}`);
  const W = nn.he(16, 1000, nn.makeRng(8));
  const wVariance = W.reduce((s, v) => s + v * v, 0) / W.length;
  assert.ok(Math.abs(wVariance - 2 / 16) < 0.01, `he variance ${wVariance}`);
});

test("a Dense layer names itself and both shapes when the input does not fit", () => {
  const layer = new nn.Dense(2, 3);
  assert.throws(() => layer.forward(nn.matrix(4, 5)), /Dense\(2, 3\) expects input of shape \(batch, 2\), got \(4, 5\)/);
  assert.throws(() => new nn.Dense(2, 3, { W: [1, 2] }), /needs W of 6 numbers/);
});
