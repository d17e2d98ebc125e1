/* parity.js: run the JavaScript twin (book/_ext/playground/nn.js) on nnlib's fixtures and
 * measure how far it lands from nnlib. Shared by the Node tests (require) and the browser test
 * (a plain script that defines nnParity), so both check exactly the same things.
 *
 * Every number is compared relative to the size of what nnlib computed: for an array,
 * max |twin - nnlib| / max |nnlib|; for a loss, |twin - nnlib| / |nnlib|.
 */
(function (parity) {
  "use strict";

  const TOLERANCE = 1e-9;

  function relative(actual, expected) {
    if (actual.length !== expected.length) return Infinity;
    let diff = 0, size = 0;
    for (let i = 0; i < expected.length; i++) {
      const d = Math.abs(actual[i] - expected[i]);
      diff = Math.max(diff, Number.isNaN(d) ? Infinity : d);
      size = Math.max(size, Math.abs(expected[i]));
    }
    return diff === 0 ? 0 : diff / size;
  }

  /** Build the case's network in the twin, train it on the recorded batches with the
   *  playground's own trainStep, and compare each step's loss, the first step's gradients,
   *  the final weights and evaluate() with nnlib's. */
  function runNetwork(nn, c) {
    const activation = { relu: nn.ReLU, tanh: nn.Tanh, sigmoid: nn.Sigmoid }[c.activation];
    const layers = [];
    c.layers.forEach((d, i) => {
      if (i) layers.push(new activation());
      layers.push(new nn.Dense(d.n_in, d.n_out, { W: d.W, b: d.b, l2: c.l2 }));
    });
    const net = new nn.Sequential(layers);
    const loss = new nn.SoftmaxCrossEntropy();
    const o = c.optimizer;
    const optimizer = o.name === "sgd" ? new nn.SGD(o.lr) : new nn.Adam(o.lr, o.beta1, o.beta2, o.eps);
    const X = nn.matrix(c.y_train.length, 2, Float64Array.from(c.X_train));
    const Xtest = nn.matrix(c.y_test.length, 2, Float64Array.from(c.X_test));

    const losses = [];
    let firstGrads = null;
    for (const idx of c.batches) {
      losses.push(nn.trainStep(net, loss, optimizer, nn.takeRows(X, idx), idx.map((i) => c.y_train[i])));
      if (!firstGrads) firstGrads = net.grads.map((g) => Float64Array.from(g)); // the step leaves them
    }
    const train = nn.evaluate(net, loss, X, c.y_train);
    const test = nn.evaluate(net, loss, Xtest, c.y_test);
    return [
      ["loss of every step", relative(losses, c.losses)],
      ...firstGrads.map((g, i) => [`gradient ${i} of the first step`, relative(g, c.first_grads[i])]),
      ...net.params.map((p, i) => [`parameter ${i} after ${c.batches.length} steps`, relative(p, c.params[i])]),
      ["evaluate: training loss", relative([train.loss], [c.train.loss])],
      ["evaluate: test loss", relative([test.loss], [c.test.loss])],
      ["evaluate: training accuracy", train.accuracy === c.train.accuracy ? 0 : Infinity],
      ["evaluate: test accuracy", test.accuracy === c.test.accuracy ? 0 : Infinity],
    ];
  }

  /** Chapter 1's neuron: train_neuron's losses (before each step, then after the last) and w, b. */
  function runNeuron(nn, c) {
    const n = c.Y.length;
    const X = nn.matrix(n, 2, Float64Array.from(c.X));
    const Y = Float64Array.from(c.Y);
    const w = new Float64Array(2);
    let b = 0;
    const losses = [];
    for (let epoch = 0; epoch < c.epochs; epoch++) {
      const step = nn.neuronStep(X, Y, w, b, c.lr);
      losses.push(step.loss);
      b = step.b;
    }
    losses.push(nn.lossAndGradients(X, Y, w, b).loss);
    return [
      ["loss before every step and after the last", relative(losses, c.losses)],
      ["w after training", relative(w, c.w)],
      ["b after training", relative([b], [c.b])],
    ];
  }

  /** [{name, what, relative}] for every check of every case. */
  function check(nn, fixtures) {
    const results = [];
    for (const c of fixtures.cases) {
      const checks = c.kind === "neuron" ? runNeuron(nn, c) : runNetwork(nn, c);
      for (const [what, rel] of checks) results.push({ name: c.name, what, relative: rel });
    }
    return results;
  }

  /** The checks that miss the tolerance (NaN counts as a miss). */
  function failures(results, tolerance = TOLERANCE) {
    return results.filter((r) => !(r.relative <= tolerance));
  }

  Object.assign(parity, { TOLERANCE, relative, check, failures });
})(typeof module === "object" && module.exports ? module.exports : (globalThis.nnParity = {}));
