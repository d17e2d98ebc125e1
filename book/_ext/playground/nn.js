/* nn.js: the JavaScript twin of nnlib's networks, in float64, for the playground on the site.
 *
 * The reader's browser cannot run Python offline, so the playground trains this twin instead.
 * It does what nnlib does, operation for operation, and tests/playground/ proves it: nnlib
 * writes fixtures (data, initial weights, batch order, then the losses and weights after every
 * step) and this file must reproduce them to 1e-9 relative, under Node and in Chromium.
 *
 * Chapter 1, one sigmoid neuron on the squared error:
 *   weightedSum, sigmoid, sigmoidDerivative, lossAndGradients, neuronStep
 * Chapters 4, 5 and 7, networks of layers:
 *   Dense          Z = X W + b, W of shape (nIn, nOut); L2: penalty l2/2 sum W^2, dW += l2 W
 *   ReLU, Tanh, Sigmoid      activations with forward and backward
 *   Sequential     layers one after the other; backward in reverse
 *   SoftmaxCrossEntropy      mean over the batch; dZ = (softmax(Z) - Y) / batch
 *   SGD, Adam      optimizers that update the parameter arrays in place
 *   trainStep, evaluate, minibatches, he    the pieces of nnlib's fit, evaluate and init
 *
 * A batch is a matrix {rows, cols, data}: a Float64Array in row-major order, so X[i][j] is
 * data[i * cols + j], one example per row, exactly as in nnlib. Labels are class indices.
 *
 * This is a plain script, not an ES module: a module does not load from file://, and the
 * site is meant to work opened straight from _build/html. In a page it defines nnTwin;
 * under Node, require() returns the same object.
 */
(function (nn) {
  "use strict";

  // ------------------------------------------------------------------ matrices and random numbers
  /** A (rows, cols) matrix of zeros, or around the given Float64Array. */
  function matrix(rows, cols, data) {
    data = data || new Float64Array(rows * cols);
    if (data.length !== rows * cols) {
      throw new Error(`matrix(${rows}, ${cols}) needs ${rows * cols} numbers, got ${data.length}`);
    }
    return { rows, cols, data };
  }

  /** The rows of X listed in `indices`, as a new matrix (a minibatch). */
  function takeRows(X, indices) {
    const out = matrix(indices.length, X.cols);
    indices.forEach((r, i) => out.data.set(X.data.subarray(r * X.cols, (r + 1) * X.cols), i * X.cols));
    return out;
  }

  /** A seeded generator of uniform numbers in [0, 1) (mulberry32: 32 bits of state, fast). */
  function makeRng(seed) {
    let state = (seed >>> 0) ^ 0x9e3779b9;
    return function next() {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  /** A standard normal number from rng (Box-Muller). */
  function normal(rng) {
    const u = 1 - rng(); // in (0, 1]: log(u) is finite
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
  }

  /** 0 .. n-1 in a random order (Fisher-Yates). */
  function permutation(n, rng) {
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    return order;
  }

  /** He normal weights, as nnlib's default init: sqrt(2 / nIn) times standard normal numbers. */
  function he(nIn, nOut, rng) {
    const W = new Float64Array(nIn * nOut);
    const scale = Math.sqrt(2.0 / nIn);
    for (let i = 0; i < W.length; i++) W[i] = scale * normal(rng);
    return W;
  }

  // ------------------------------------------------------------------ chapter 1: one neuron
  /** z = X w + b for every row of X (batch, n); returns a Float64Array (batch,). */
  function weightedSum(X, w, b) {
    const z = new Float64Array(X.rows);
    for (let r = 0; r < X.rows; r++) {
      let s = 0;
      for (let i = 0; i < X.cols; i++) s += X.data[r * X.cols + i] * w[i];
      z[r] = s + b;
    }
    return z;
  }

  /** sigma(z) = 1 / (1 + e^-z), written so that e is only raised to a number <= 0. */
  function sigmoid(z) {
    const e = Math.exp(-Math.abs(z));
    return z >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
  }

  /** sigma'(z) = sigma(z) sigma(-z), which keeps its digits where sigma saturates. */
  function sigmoidDerivative(z) {
    return sigmoid(z) * sigmoid(-z);
  }

  /** A sigmoid neuron's squared error on a batch and its gradients: {loss, dw, db}. */
  function lossAndGradients(X, Y, w, b) {
    const Z = weightedSum(X, w, b);
    const n = Z.length;
    let loss = 0;
    const dZ = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      const diff = sigmoid(Z[r]) - Y[r];
      loss += diff * diff;
      dZ[r] = ((2.0 * diff) / n) * sigmoidDerivative(Z[r]); // dL/dA, then the chain rule
    }
    const dw = new Float64Array(X.cols);
    let db = 0;
    for (let r = 0; r < n; r++) {
      for (let i = 0; i < X.cols; i++) dw[i] += X.data[r * X.cols + i] * dZ[r];
      db += dZ[r];
    }
    return { loss: loss / n, dw, db };
  }

  /** One gradient-descent step of chapter 1's train_neuron: w and b change in place (b returned). */
  function neuronStep(X, Y, w, b, lr) {
    const { loss, dw, db } = lossAndGradients(X, Y, w, b);
    for (let i = 0; i < w.length; i++) w[i] -= lr * dw[i];
    return { loss, b: b - lr * db };
  }

  // ------------------------------------------------------------------ chapters 4, 5, 7: layers
  class Dense {
    /** A fully connected layer Z = X W + b. W (nIn * nOut numbers, row-major) and b are copied. */
    constructor(nIn, nOut, { W, b, l2 = 0 } = {}) {
      this.nIn = nIn;
      this.nOut = nOut;
      this.l2 = l2;
      this.W = W ? Float64Array.from(W) : new Float64Array(nIn * nOut);
      this.b = b ? Float64Array.from(b) : new Float64Array(nOut);
      if (this.W.length !== nIn * nOut || this.b.length !== nOut) {
        throw new Error(`Dense(${nIn}, ${nOut}) needs W of ${nIn * nOut} numbers and b of ${nOut}, ` +
                        `got ${this.W.length} and ${this.b.length}`);
      }
      this.dW = new Float64Array(nIn * nOut);
      this.db = new Float64Array(nOut);
      this.params = [this.W, this.b]; // updated in place by the optimizer
      this.grads = [this.dW, this.db];
      this.X = null;
    }

    forward(X) {
      if (X.cols !== this.nIn) {
        throw new Error(`Dense(${this.nIn}, ${this.nOut}) expects input of shape (batch, ${this.nIn}), ` +
                        `got (${X.rows}, ${X.cols})`);
      }
      this.X = X; // kept for the backward pass
      const { nIn, nOut, W, b } = this;
      const Z = matrix(X.rows, nOut);
      for (let r = 0; r < X.rows; r++) {
        const z = r * nOut;
        for (let i = 0; i < nIn; i++) {
          const x = X.data[r * nIn + i];
          for (let j = 0; j < nOut; j++) Z.data[z + j] += x * W[i * nOut + j];
        }
        for (let j = 0; j < nOut; j++) Z.data[z + j] += b[j];
      }
      return Z;
    }

    backward(dZ, inputGrad = true) {
      const { nIn, nOut, W, dW, db, X } = this;
      dW.fill(0); // dW = X^T dZ
      db.fill(0); // db = the sum of dZ over the batch
      for (let r = 0; r < X.rows; r++) {
        for (let i = 0; i < nIn; i++) {
          const x = X.data[r * nIn + i];
          for (let j = 0; j < nOut; j++) dW[i * nOut + j] += x * dZ.data[r * nOut + j];
        }
        for (let j = 0; j < nOut; j++) db[j] += dZ.data[r * nOut + j];
      }
      if (this.l2) {
        for (let k = 0; k < W.length; k++) dW[k] += this.l2 * W[k]; // gradient of the L2 penalty
      }
      if (!inputGrad) return null;
      const dX = matrix(X.rows, nIn); // dX = dZ W^T
      for (let r = 0; r < X.rows; r++) {
        for (let i = 0; i < nIn; i++) {
          let s = 0;
          for (let j = 0; j < nOut; j++) s += dZ.data[r * nOut + j] * W[i * nOut + j];
          dX.data[r * nIn + i] = s;
        }
      }
      return dX;
    }

    /** The L2 penalty this layer adds to the loss: l2/2 * sum(W^2). Biases are not penalised. */
    penalty() {
      if (!this.l2) return 0;
      let s = 0;
      for (const w of this.W) s += w * w;
      return 0.5 * this.l2 * s;
    }
  }

  /** An activation applies f to every element; backward multiplies by f'(Z), from what it kept. */
  class Activation {
    constructor() {
      this.params = [];
      this.grads = [];
    }
    forward(Z) {
      const A = matrix(Z.rows, Z.cols);
      this.kept = this.apply(Z.data, A.data);
      return A;
    }
    backward(dA) {
      const dZ = matrix(dA.rows, dA.cols);
      this.derive(dA.data, dZ.data);
      return dZ;
    }
  }

  class ReLU extends Activation {
    apply(Z, A) {
      for (let k = 0; k < Z.length; k++) A[k] = Math.max(Z[k], 0); // NaN stays NaN, as in numpy
      return Z; // where Z > 0 the gradient passes
    }
    derive(dA, dZ) {
      const Z = this.kept;
      for (let k = 0; k < dA.length; k++) dZ[k] = dA[k] * (Z[k] > 0 ? 1 : 0); // NaN * 0 stays NaN, as in numpy
    }
  }

  class Tanh extends Activation {
    apply(Z, A) {
      for (let k = 0; k < Z.length; k++) A[k] = Math.tanh(Z[k]);
      return A;
    }
    derive(dA, dZ) {
      const A = this.kept;
      for (let k = 0; k < dA.length; k++) dZ[k] = dA[k] * (1.0 - A[k] * A[k]);
    }
  }

  class Sigmoid extends Activation {
    apply(Z, A) {
      // nnlib's Sigmoid layer clips Z to [-60, 60] so that exp cannot overflow
      for (let k = 0; k < Z.length; k++) A[k] = 1.0 / (1.0 + Math.exp(-Math.min(Math.max(Z[k], -60), 60)));
      return A;
    }
    derive(dA, dZ) {
      const A = this.kept;
      for (let k = 0; k < dA.length; k++) dZ[k] = dA[k] * A[k] * (1.0 - A[k]);
    }
  }

  class Sequential {
    constructor(layers) {
      this.layers = layers;
    }
    forward(X) {
      for (const layer of this.layers) X = layer.forward(X);
      return X;
    }
    /** dA = dL/d(output), sent back through the layers; the first Dense layer may skip dX. */
    backward(dA, inputGrad = true) {
      for (let i = this.layers.length - 1; i >= 0; i--) {
        const layer = this.layers[i];
        if (i === 0 && !inputGrad && layer instanceof Dense) return layer.backward(dA, false);
        dA = layer.backward(dA);
      }
      return dA;
    }
    get params() {
      return this.layers.flatMap((layer) => layer.params);
    }
    get grads() {
      return this.layers.flatMap((layer) => layer.grads);
    }
    penalty() {
      let s = 0;
      for (const layer of this.layers) if (layer.penalty) s += layer.penalty();
      return s;
    }
  }

  class SoftmaxCrossEntropy {
    /** Mean over the batch of -log softmax(Z)[label], by log-sum-exp. labels: class indices. */
    forward(Z, labels) {
      if (labels.length !== Z.rows) {
        throw new Error(`SoftmaxCrossEntropy got ${Z.rows} rows of logits but ${labels.length} labels`);
      }
      const k = Z.cols;
      const probs = matrix(Z.rows, k);
      let total = 0;
      for (let r = 0; r < Z.rows; r++) {
        const z = Z.data.subarray(r * k, (r + 1) * k);
        let max = -Infinity;
        for (const v of z) max = Math.max(max, v);
        let sum = 0;
        for (let j = 0; j < k; j++) {
          probs.data[r * k + j] = Math.exp(z[j] - max); // every exponent <= 0
          sum += probs.data[r * k + j];
        }
        for (let j = 0; j < k; j++) probs.data[r * k + j] /= sum;
        total += Math.log(sum) - (z[labels[r]] - max); // -log p_y
      }
      this.probs = probs;
      this.labels = labels;
      return total / Z.rows;
    }
    /** dL/dZ = (softmax(Z) - Y) / batch, Y the one-hot labels. */
    backward() {
      const { rows, cols } = this.probs;
      const dZ = matrix(rows, cols, Float64Array.from(this.probs.data));
      for (let r = 0; r < rows; r++) dZ.data[r * cols + this.labels[r]] -= 1.0;
      const scale = 1.0 / rows;
      for (let k = 0; k < dZ.data.length; k++) dZ.data[k] *= scale;
      return dZ;
    }
  }

  // ------------------------------------------------------------------ optimizers
  class SGD {
    /** p <- p - lr g, for every parameter array, in place. */
    constructor(lr = 0.01) {
      this.lr = lr;
    }
    step(params, grads) {
      params.forEach((p, i) => {
        const g = grads[i];
        for (let k = 0; k < p.length; k++) p[k] -= this.lr * g[k];
      });
    }
  }

  class Adam {
    /** Adam (Kingma & Ba, 2015) with bias correction folded into the step size:
     *   m <- b1 m + (1 - b1) g,   v <- b2 v + (1 - b2) g^2,
     *   lr_t = lr sqrt(1 - b2^t) / (1 - b1^t),   p <- p - lr_t m / (sqrt(v) + eps). */
    constructor(lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-7) {
      Object.assign(this, { lr, beta1, beta2, eps, t: 0, m: null, v: null });
    }
    step(params, grads) {
      if (!this.m) {
        this.m = params.map((p) => new Float64Array(p.length));
        this.v = params.map((p) => new Float64Array(p.length));
      }
      this.t += 1;
      const { beta1: b1, beta2: b2, eps } = this;
      const lrT = (this.lr * Math.sqrt(1 - b2 ** this.t)) / (1 - b1 ** this.t);
      params.forEach((p, i) => {
        const g = grads[i], m = this.m[i], v = this.v[i];
        for (let k = 0; k < p.length; k++) {
          m[k] = b1 * m[k] + (1 - b1) * g[k];
          v[k] = b2 * v[k] + (1 - b2) * g[k] * g[k];
          p[k] -= (lrT * m[k]) / (Math.sqrt(v[k]) + eps);
        }
      });
    }
  }

  // ------------------------------------------------------------------ training and evaluation
  /** One step of nnlib's fit: forward, loss, backward (no dX for the data), optimizer step.
   *  Returns the batch's loss, before the step. */
  function trainStep(net, loss, optimizer, Xb, labels) {
    const value = loss.forward(net.forward(Xb), labels);
    net.backward(loss.backward(), false);
    optimizer.step(net.params, net.grads);
    return value;
  }

  /** nnlib's evaluate: {loss: mean loss over the set + the L2 penalty, accuracy}, in batches of 1024. */
  function evaluate(net, loss, X, labels, batchSize = 1024) {
    let total = 0, correct = 0;
    for (let start = 0; start < X.rows; start += batchSize) {
      const idx = Array.from({ length: Math.min(batchSize, X.rows - start) }, (_, i) => start + i);
      const out = net.forward(takeRows(X, idx));
      const batchLabels = idx.map((i) => labels[i]);
      total += loss.forward(out, batchLabels) * out.rows;
      for (let r = 0; r < out.rows; r++) if (argmax(out, r) === batchLabels[r]) correct += 1;
    }
    return { loss: total / X.rows + net.penalty(), accuracy: correct / X.rows };
  }

  /** The column of the largest number in row r (the first one on ties, as numpy's argmax). */
  function argmax(M, r) {
    let best = 0;
    for (let j = 1; j < M.cols; j++) if (M.data[r * M.cols + j] > M.data[r * M.cols + best]) best = j;
    return best;
  }

  /** The index batches of one epoch: `order` (a permutation) cut into pieces of batchSize. */
  function minibatches(order, batchSize) {
    const batches = [];
    for (let start = 0; start < order.length; start += batchSize) batches.push(order.slice(start, start + batchSize));
    return batches;
  }

  Object.assign(nn, {
    matrix, takeRows, makeRng, normal, permutation, he,
    weightedSum, sigmoid, sigmoidDerivative, lossAndGradients, neuronStep,
    Dense, ReLU, Tanh, Sigmoid, Sequential, SoftmaxCrossEntropy, SGD, Adam,
    trainStep, evaluate, argmax, minibatches,
  });
})(typeof module === "object" && module.exports ? module.exports : (globalThis.nnTwin = {}));
