/* playground.js: the page around nn.js. It finds every <div class="nn-playground"> (written by
 * the {playground} directive of book/_ext/nnbook.py), builds its controls and pictures, and
 * trains the twin live: a few steps, then a redraw, every animation frame.
 *
 * Two kinds, chosen by the div's data-preset:
 *   "clusters"  chapter 7: a network with 1-3 hidden layers on the chapter's clusters, circles,
 *               XOR or a spiral; softmax cross-entropy, L2, SGD or Adam, minibatches
 *   "neuron"    chapter 1: one sigmoid neuron on the squared error, full-batch gradient descent
 *               from w = 0 and b = 0, as train_neuron does it
 *
 * The setting lives in the page's address (?data=spiral&layers=8-8&lr=0.03...), so a link
 * reproduces it: the same setting and seed give the same data, the same start, the same picture.
 * Under Node, require() returns the functions that do not need a page (tests/playground/).
 */
(function (pg) {
  "use strict";
  const nn = typeof module === "object" && module.exports ? require("./nn.js") : globalThis.nnTwin;

  // ------------------------------------------------------------------ data sets
  const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c"]; // the book's class colours (nnlib.plotting)
  const JITTER = 0.25; // the standard deviation of the noise on circles, XOR and the spiral, at noise 1

  /** A generator per data set: make(rng, noise) -> {X (n, 2), y}, and the square of the plane it shows. */
  const DATASETS = {
    clusters: {
      label: "chapter 7's clusters",
      classes: 3,
      view: [-7, 9, -4, 12],
      noise: "covariances × noise",
      make(rng, noise) {
        const means = [[0, 0], [1, 4], [2, 8]];
        const covs = [[[1.0, 0.6], [0.6, 0.8]], [[0.6, 0.0], [0.0, 0.5]], [[1.6, -0.5], [-0.5, 0.9]]];
        return points([200, 150, 250], (c) => {
          const [[a, b], [, d]] = covs[c];
          // x = mu + L z with L L^T = noise * cov (Cholesky of a 2x2 matrix)
          const l11 = Math.sqrt(a), l21 = b / l11, l22 = Math.sqrt(d - l21 * l21), s = Math.sqrt(noise);
          const z1 = nn.normal(rng), z2 = nn.normal(rng);
          return [means[c][0] + s * l11 * z1, means[c][1] + s * (l21 * z1 + l22 * z2)];
        });
      },
    },
    circles: {
      label: "circles",
      classes: 2,
      view: [-6, 6, -6, 6],
      noise: `jitter σ = ${JITTER} × noise`,
      make(rng, noise) {
        return points([300, 300], (c) => {
          const r = c === 0 ? 2 * rng() : 3 + 2 * rng(), angle = 2 * Math.PI * rng();
          return jitter([r * Math.cos(angle), r * Math.sin(angle)], JITTER * noise, rng);
        });
      },
    },
    xor: {
      label: "XOR",
      classes: 2,
      view: [-6, 6, -6, 6],
      noise: `jitter σ = ${JITTER} × noise`,
      make(rng, noise) {
        return points([300, 300], (c) => {
          // a point in the two quadrants of class c, kept 0.3 away from the axes
          const x = (0.3 + 4.7 * rng()) * (rng() < 0.5 ? -1 : 1);
          const y = (0.3 + 4.7 * rng()) * Math.sign(x) * (c === 0 ? 1 : -1);
          return jitter([x, y], JITTER * noise, rng);
        });
      },
    },
    spiral: {
      label: "spiral",
      classes: 2,
      view: [-6, 6, -6, 6],
      noise: `jitter σ = ${JITTER} × noise`,
      make(rng, noise) {
        return points([300, 300], (c) => {
          const t = rng(), angle = 1.75 * 2 * Math.PI * t + c * Math.PI;
          return jitter([5 * t * Math.cos(angle), 5 * t * Math.sin(angle)], JITTER * noise, rng);
        });
      },
    },
    clouds: {
      label: "chapter 1's two clouds",
      classes: 2,
      view: [-1.5, 5, -1.75, 4.75],
      noise: "standard deviation 0.9 × noise",
      make(rng, noise) {
        const centres = [[1.0, 1.0], [2.5, 2.0]];
        return points([10, 10], (c) => jitter(centres[c], 0.9 * noise, rng));
      },
    },
  };

  function jitter([x, y], sigma, rng) {
    return [x + sigma * nn.normal(rng), y + sigma * nn.normal(rng)];
  }

  /** counts[c] points of class c from point(c), class after class. */
  function points(counts, point) {
    const n = counts.reduce((s, k) => s + k, 0);
    const X = nn.matrix(n, 2), y = [];
    counts.forEach((count, c) => {
      for (let i = 0; i < count; i++) {
        X.data.set(point(c), 2 * y.length);
        y.push(c);
      }
    });
    return { X, y };
  }

  const pointCounts = {};
  /** How many points a data set has (test and training together). */
  function sizeOf(name) {
    pointCounts[name] = pointCounts[name] || DATASETS[name].make(nn.makeRng(0), 1).y.length;
    return pointCounts[name];
  }

  /** The data of a setting: shuffled and split, seeded; the test set is the last `test` share
   *  (the neuron has no test set: it trains on every point, as in chapter 1). */
  function makeData(settings) {
    const set = DATASETS[settings.data];
    const rng = rngFor(settings.seed, "data");
    const { X, y } = set.make(rng, settings.noise);
    const order = nn.permutation(y.length, rng);
    const nTest = Math.round((settings.test || 0) * y.length);
    const part = (idx) => ({ X: nn.takeRows(X, idx), y: idx.map((i) => y[i]) });
    return { set, train: part(order.slice(0, y.length - nTest)), test: part(order.slice(y.length - nTest)) };
  }

  /** One seeded stream of random numbers per purpose, so that changing the data leaves the start alone. */
  function rngFor(seed, purpose) {
    const streams = { data: 1, init: 2, order: 3 };
    return nn.makeRng(Math.imul(seed + 1, 2654435761) + streams[purpose]);
  }

  // ------------------------------------------------------------------ settings and the address
  const PRESETS = {
    clusters: {
      kind: "network",
      datasets: ["clusters", "circles", "xor", "spiral"],
      defaults: { data: "clusters", noise: 1, test: 0.25, layers: [5], act: "relu", lr: 0.01, l2: 0.001,
                  batch: 32, opt: "adam", seed: 2 },
    },
    neuron: {
      kind: "neuron",
      datasets: ["clouds", "xor", "circles"],
      defaults: { data: "clouds", noise: 1, lr: 1, seed: 0 },
    },
  };
  const BATCHES = [1, 2, 4, 8, 16, 32, 64, 128, 256, "all"];
  const LIMITS = { noise: [0, 2.5], test: [0.1, 0.5], lr: [1e-4, 100], l2: [0, 1], seed: [0, 99999],
                   layers: [1, 3], neurons: [1, 16] };

  const clamp = (v, [lo, hi]) => Math.min(hi, Math.max(lo, v));
  const round3 = (v) => Number(v.toPrecision(3)); // what the sliders and the address hold

  /** The setting a query string asks for, each value checked; anything missing or wrong is the default. */
  function parseSettings(search, preset) {
    const { defaults, datasets } = PRESETS[preset];
    const q = new URLSearchParams(search);
    const s = structuredClone(defaults);
    const number = (key) => {
      const v = Number(q.get(key));
      return q.has(key) && q.get(key) !== "" && Number.isFinite(v) ? v : undefined;
    };
    if (datasets.includes(q.get("data"))) s.data = q.get("data");
    for (const key of ["noise", "lr", "seed"]) {
      if (number(key) !== undefined) s[key] = clamp(number(key), LIMITS[key]);
    }
    s.seed = Math.round(s.seed);
    if (s.lr <= 0) s.lr = defaults.lr;
    if (preset !== "neuron") {
      if (number("test") !== undefined) s.test = clamp(number("test"), LIMITS.test);
      if (number("l2") !== undefined) s.l2 = clamp(number("l2"), LIMITS.l2);
      const layers = q.has("layers") ? q.get("layers").split("-").map(Number) : [];
      if (layers.length >= LIMITS.layers[0] && layers.length <= LIMITS.layers[1] && layers.every(Number.isInteger)) {
        s.layers = layers.map((k) => clamp(k, LIMITS.neurons));
      }
      if (["relu", "tanh", "sigmoid"].includes(q.get("act"))) s.act = q.get("act");
      if (["sgd", "adam"].includes(q.get("opt"))) s.opt = q.get("opt");
      const batch = q.get("batch") === "all" ? "all" : number("batch");
      if (BATCHES.includes(batch)) s.batch = batch;
    }
    return s;
  }

  /** The query string of a setting: every value, so that a link means the same thing later. */
  function settingsToSearch(s) {
    const q = new URLSearchParams();
    for (const [key, value] of Object.entries(s)) q.set(key, Array.isArray(value) ? value.join("-") : String(value));
    return "?" + q.toString();
  }

  // ------------------------------------------------------------------ the models the page trains
  /** Chapter 7's network, as nnlib builds it: Dense, activation, ..., Dense; He init; SGD or Adam. */
  class NetworkModel {
    constructor(s, data) {
      this.data = data;
      const sizes = [2, ...s.layers, data.set.classes];
      const rng = rngFor(s.seed, "init");
      const Act = { relu: nn.ReLU, tanh: nn.Tanh, sigmoid: nn.Sigmoid }[s.act];
      const layers = [];
      for (let i = 0; i + 1 < sizes.length; i++) {
        if (i) layers.push(new Act());
        layers.push(new nn.Dense(sizes[i], sizes[i + 1], { W: nn.he(sizes[i], sizes[i + 1], rng), l2: s.l2 }));
      }
      this.net = new nn.Sequential(layers);
      this.loss = new nn.SoftmaxCrossEntropy();
      this.optimizer = s.opt === "sgd" ? new nn.SGD(s.lr) : new nn.Adam(s.lr);
      this.orderRng = rngFor(s.seed, "order");
      this.queue = []; // the examples of this epoch not yet seen
      this.steps = 0;
      this.seen = 0; // examples trained on so far
      this.retune(s);
    }
    /** Learning rate, L2 and batch size can change while training goes on. */
    retune(s) {
      this.optimizer.lr = s.lr;
      for (const layer of this.net.layers) if (layer instanceof nn.Dense) layer.l2 = s.l2;
      this.batchSize = s.batch === "all" ? this.data.train.y.length : s.batch;
    }
    get epoch() {
      return this.seen / this.data.train.y.length;
    }
    get stepsPerEpoch() {
      return Math.ceil(this.data.train.y.length / this.batchSize);
    }
    step() {
      const { train } = this.data;
      if (!this.queue.length) this.queue = nn.permutation(train.y.length, this.orderRng);
      const idx = this.queue.splice(0, this.batchSize);
      const value = nn.trainStep(this.net, this.loss, this.optimizer, nn.takeRows(train.X, idx), idx.map((i) => train.y[i]));
      this.steps += 1;
      this.seen += idx.length;
      return value;
    }
    measure() {
      const { train, test } = this.data;
      return { train: nn.evaluate(this.net, this.loss, train.X, train.y), test: nn.evaluate(this.net, this.loss, test.X, test.y) };
    }
    /** Class probabilities over the grid, and every hidden layer's activations there. */
    picture(grid) {
      let A = grid;
      const hidden = [];
      this.net.layers.forEach((layer, i) => {
        A = layer.forward(A);
        if (i % 2 === 1) hidden.push(A);
      });
      return { probs: softmaxRows(A), hidden };
    }
  }

  /** Chapter 1's neuron: a = sigmoid(x . w + b), squared error, gradient descent on all points. */
  class NeuronModel {
    constructor(s, data) {
      this.data = data;
      this.w = new Float64Array(2);
      this.b = 0;
      this.steps = 0;
      this.retune(s);
    }
    retune(s) {
      this.lr = s.lr;
    }
    get epoch() {
      return this.steps;
    }
    get stepsPerEpoch() {
      return 1;
    }
    targets() {
      return Float64Array.from(this.data.train.y);
    }
    step() {
      const { loss, b } = nn.neuronStep(this.data.train.X, this.targets(), this.w, this.b, this.lr);
      this.b = b;
      this.steps += 1;
      return loss;
    }
    measure() {
      const { X, y } = this.data.train;
      const { loss } = nn.lossAndGradients(X, this.targets(), this.w, this.b);
      const a = nn.weightedSum(X, this.w, this.b).map(nn.sigmoid);
      const right = y.filter((label, i) => (a[i] > 0.5 ? 1 : 0) === label).length;
      return { train: { loss, accuracy: right / y.length } };
    }
    picture(grid) {
      const a = nn.weightedSum(grid, this.w, this.b).map(nn.sigmoid);
      const probs = nn.matrix(grid.rows, 2);
      a.forEach((p, r) => probs.data.set([1 - p, p], 2 * r));
      return { probs, hidden: [] };
    }
  }

  function softmaxRows(Z) {
    const P = nn.matrix(Z.rows, Z.cols);
    for (let r = 0; r < Z.rows; r++) {
      const z = Z.data.subarray(r * Z.cols, (r + 1) * Z.cols);
      const max = Math.max(...z);
      let sum = 0;
      for (let j = 0; j < Z.cols; j++) sum += (P.data[r * Z.cols + j] = Math.exp(z[j] - max));
      for (let j = 0; j < Z.cols; j++) P.data[r * Z.cols + j] /= sum;
    }
    return P;
  }

  // ------------------------------------------------------------------ the page
  const GRID = 64; // the picture is computed on GRID x GRID points of the plane, then smoothed
  const EPOCHS_PER_SECOND = 60; // the pace of play, whatever the frame rate (if the machine keeps up)
  const FRAME_BUDGET_MS = 12; // at most this much training per animation frame, so that drawing keeps up

  function el(tag, attrs = {}, children = []) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    }
    node.append(...children);
    return node;
  }

  let uid = 0;

  class Playground {
    constructor(root) {
      this.root = root;
      this.preset = root.dataset.preset;
      if (!PRESETS[this.preset]) {
        throw new Error(`playground: unknown preset ${JSON.stringify(this.preset)}; known: ${Object.keys(PRESETS).join(", ")}`);
      }
      this.kind = PRESETS[this.preset].kind;
      this.id = `nn-pg-${++uid}`;
      const fromAddress = new URLSearchParams(location.search);
      this.settings = parseSettings(location.search, this.preset);
      this.playing = false;
      this.timing = { stepMs: 0, drawMs: 0 };
      this.build();
      this.reset();
      // Canvas sizes come from here: reading clientWidth every frame would make the browser lay
      // out the whole page again after each status update.
      const resized = new ResizeObserver((entries) => {
        for (const entry of entries) screenSizes.set(entry.target, entry.contentRect);
        this.draw();
      });
      resized.observe(this.canvas);
      resized.observe(this.lossCanvas);
      if ([...fromAddress.keys()].some((k) => k in this.settings) && !location.hash) root.scrollIntoView();
    }

    // ---------------------------------------------------------------- controls
    build() {
      const network = this.kind === "network";
      this.inputs = {};
      const row = (key, label, input, output) => {
        input.id = `${this.id}-${key}`;
        this.inputs[key] = input;
        return el("div", { class: "nn-pg-control" }, [el("label", { for: input.id, text: label }), input, output || ""]);
      };
      const select = (key, options) =>
        el("select", { onchange: (e) => this.change(key, e.target.value) },
           options.map(([value, text]) => el("option", { value, text })));
      const slider = (min, max, step, toValue, onInput) => {
        const input = el("input", { type: "range", min, max, step });
        input.addEventListener("input", () => onInput(toValue(Number(input.value))));
        return input;
      };
      const output = (key) => (this[`${key}Out`] = el("output", { for: `${this.id}-${key}` }));

      const controls = [
        row("data", "data", select("data", PRESETS[this.preset].datasets.map((d) => [d, DATASETS[d].label]))),
        row("noise", "noise", slider(...LIMITS.noise, 0.05, (v) => v, (v) => this.change("noise", v)), output("noise")),
      ];
      if (network) {
        controls.push(
          row("test", "test set", slider(...LIMITS.test, 0.05, (v) => v, (v) => this.change("test", v)), output("test")),
          this.layerControls(),
          row("act", "activation", select("act", [["relu", "ReLU"], ["tanh", "tanh"], ["sigmoid", "sigmoid"]])),
        );
      }
      const lrRange = network ? [-4, 0.5] : [-2, 2];
      controls.push(row("lr", "learning rate",
        slider(...lrRange, 0.01, (v) => round3(10 ** v), (v) => this.change("lr", v)),
        this.numberBox("lr", (v) => v > 0)));
      if (network) {
        controls.push(
          // slider position 0 is "no L2"; 1..100 run from 1e-5 to 1 on a log scale
          row("l2", "L2 strength", slider(0, 100, 1, (v) => (v === 0 ? 0 : round3(10 ** (-5 + (5 * (v - 1)) / 99))),
                                           (v) => this.change("l2", v)), this.numberBox("l2", (v) => v >= 0 && v <= 1)),
          row("batch", "batch size", select("batch", BATCHES.map((b) => [String(b), String(b)]))),
          row("opt", "optimizer", select("opt", [["adam", "Adam"], ["sgd", "SGD"]])),
        );
      }
      controls.push(row("seed", "seed", el("input", { type: "number", min: 0, max: 99999, step: 1,
        onchange: (e) => this.change("seed", clamp(Math.round(Number(e.target.value)) || 0, LIMITS.seed)) })));

      this.playButton = el("button", { type: "button", class: "nn-pg-play", "aria-pressed": "false", onclick: () => this.toggle() });
      const buttons = el("div", { class: "nn-pg-buttons" }, [
        this.playButton,
        el("button", { type: "button", text: "one step", onclick: () => { this.pause(); this.train(1); this.draw(); } }),
        el("button", { type: "button", text: "reset", onclick: () => { this.pause(); this.reset(); } }),
        (this.link = el("a", { class: "nn-pg-link", text: "link to this setting" })),
      ]);

      this.canvas = el("canvas", { class: "nn-pg-regions", role: "img" });
      this.lossCanvas = el("canvas", { class: "nn-pg-loss", role: "img",
        "aria-label": network ? "the training and test loss after each step" : "the squared error after each step" });
      this.neurons = el("div", { class: "nn-pg-neurons" });
      this.status = el("p", { class: "nn-pg-status" });
      this.legend = el("p", { class: "nn-pg-legend" });
      const pictures = el("div", { class: "nn-pg-pictures" }, [
        el("figure", { class: "nn-pg-main" }, [this.canvas, this.legend]),
        el("div", { class: "nn-pg-side" }, [this.neurons, this.lossCanvas,
          el("p", { class: "nn-pg-legend" }, [el("span", { class: "nn-pg-key nn-pg-key-train" }),
            network ? " training loss (with L2)  " : " squared error", ...(network ? [el("span", { class: "nn-pg-key nn-pg-key-test" }), " test loss (with L2)"] : [])])]),
      ]);
      this.root.replaceChildren(el("div", { class: "nn-pg-controls" }, controls), buttons, this.status, pictures);
      this.root.classList.add("nn-pg-ready");
      this.showSettings();
      this.showPlaying();
    }

    layerControls() {
      this.layerBox = el("div", { class: "nn-pg-control nn-pg-layers" });
      return this.layerBox;
    }

    renderLayerControls() {
      const layers = this.settings.layers;
      const stepper = (label, value, [lo, hi], set, name) => el("span", { class: "nn-pg-stepper" }, [
        el("span", { text: label }),
        el("button", { type: "button", text: "−", "aria-label": `fewer ${name}`, onclick: () => set(value - 1),
                       ...(value <= lo ? { disabled: "" } : {}) }),
        el("span", { class: "nn-pg-count", text: String(value) }),
        el("button", { type: "button", text: "+", "aria-label": `more ${name}`, onclick: () => set(value + 1),
                       ...(value >= hi ? { disabled: "" } : {}) }),
      ]);
      const setLayers = (count) => {
        const next = layers.slice(0, count);
        while (next.length < count) next.push(next[next.length - 1]);
        this.change("layers", next);
      };
      this.layerBox.replaceChildren(
        stepper("hidden layers", layers.length, LIMITS.layers, setLayers, "hidden layers"),
        ...layers.map((k, i) => stepper(`layer ${i + 1}`, k, LIMITS.neurons,
          (v) => this.change("layers", layers.map((old, j) => (j === i ? v : old))), `neurons in layer ${i + 1}`)),
      );
    }

    numberBox(key, valid) {
      const box = el("input", { type: "number", step: "any", class: "nn-pg-number", "aria-label": `${key} value` });
      box.addEventListener("change", () => {
        const v = Number(box.value);
        if (box.value !== "" && Number.isFinite(v) && valid(v)) this.change(key, clamp(v, LIMITS[key]));
        else box.value = String(this.settings[key]);
      });
      this[`${key}Out`] = box;
      return box;
    }

    /** Put the current setting into every control, and into the address and the link. */
    showSettings() {
      const s = this.settings, inputs = this.inputs;
      inputs.data.value = s.data;
      inputs.noise.value = s.noise;
      this.noiseOut.textContent = `${s.noise.toFixed(2)} (${DATASETS[s.data].noise})`;
      inputs.lr.value = Math.log10(s.lr);
      this.lrOut.value = String(s.lr);
      inputs.seed.value = s.seed;
      if (this.kind === "network") {
        const n = sizeOf(s.data);
        inputs.test.value = s.test;
        this.testOut.textContent = `${Math.round(s.test * 100)}\u00a0% (${Math.round(s.test * n)} of ${n} points)`;
        inputs.act.value = s.act;
        inputs.l2.value = s.l2 === 0 ? 0 : Math.round(1 + ((Math.log10(s.l2) + 5) * 99) / 5);
        this.l2Out.value = String(s.l2);
        inputs.batch.value = String(s.batch);
        inputs.opt.value = s.opt;
        this.renderLayerControls();
      }
      const search = settingsToSearch(s);
      this.link.href = search + (this.root.id ? "#" + this.root.id : "");
    }

    writeAddress() {
      try {
        history.replaceState(history.state, "", settingsToSearch(this.settings) + location.hash);
      } catch (error) {
        // some browsers refuse to change the address of a page opened from file://; the link still works
      }
    }

    /** A control moved: learning rate, L2 and batch size change the running training; anything
     *  else starts again from the (seeded) beginning. */
    change(key, value) {
      if (key === "batch" && value !== "all") value = Number(value);
      this.settings[key] = value;
      this.showSettings();
      this.writeAddress();
      if (["lr", "l2", "batch"].includes(key)) {
        this.model.retune(this.settings);
        this.draw();
      } else {
        this.reset(key !== "layers" && key !== "act" && key !== "opt");
      }
    }

    // ---------------------------------------------------------------- training
    reset(newData = true) {
      const s = this.settings;
      if (newData || !this.data) {
        this.data = makeData(s);
        this.grid = gridOf(this.data.set.view);
        this.showLegend();
      }
      this.model = this.kind === "network" ? new NetworkModel(s, this.data) : new NeuronModel(s, this.data);
      this.history = [];
      this.diverged = null;
      this.record();
      this.draw();
    }

    record() {
      const m = this.model.measure();
      this.measured = m;
      this.history.push({ step: this.model.steps, train: m.train.loss, test: m.test ? m.test.loss : null });
      if (this.history.length > 1200) this.history = this.history.filter((_, i) => i % 2 === 0 || i === this.history.length - 1);
    }

    /** Up to `maxSteps` steps within the frame's budget; stops (and says so) if the loss diverges. */
    train(maxSteps, budgetMs = Infinity) {
      const start = performance.now();
      let done = 0;
      while (done < maxSteps && (done === 0 || performance.now() - start < budgetMs)) {
        const value = this.model.step();
        done += 1;
        if (!Number.isFinite(value)) {
          this.diverged = `The loss became ${value} at step ${this.model.steps}: training diverged. ` +
                          "Lower the learning rate and press reset.";
          this.pause();
          break;
        }
      }
      if (done) this.timing.stepMs = (performance.now() - start) / done;
      this.record();
      return done;
    }

    toggle() {
      if (this.playing) this.pause();
      else this.play();
    }

    play() {
      if (this.diverged) return;
      this.playing = true;
      let last = performance.now(), owed = 0; // steps the pace asks for and training has not made yet
      const frame = (now) => {
        if (!this.playing) return;
        owed += (Math.min(100, Math.max(0, now - last)) / 1000) * EPOCHS_PER_SECOND * this.model.stepsPerEpoch;
        last = now;
        const wanted = Math.max(1, Math.floor(owed));
        const done = this.train(wanted, FRAME_BUDGET_MS);
        owed = done < wanted ? 0 : owed - done; // a machine that cannot keep up is not asked to catch up
        this.draw();
        requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
      this.showPlaying();
    }

    pause() {
      this.playing = false;
      this.showPlaying();
    }

    showPlaying() {
      this.playButton.textContent = this.playing ? "❚❚ pause" : "▶ play";
      this.playButton.setAttribute("aria-pressed", String(this.playing));
    }

    // ---------------------------------------------------------------- pictures
    draw() {
      const start = performance.now();
      const { probs, hidden } = this.model.picture(this.grid);
      this.drawRegions(probs);
      this.drawNeurons(hidden);
      drawLosses(this.lossCanvas, this.history, this.kind === "network");
      this.showStatus();
      this.timing.drawMs = performance.now() - start;
      this.root.dataset.steps = String(this.model.steps);
    }

    drawRegions(probs) {
      const ctx = fit(this.canvas);
      const { width, height } = this.canvas;
      const k = probs.cols;
      const colors = COLORS.map(rgb);
      const image = new ImageData(GRID, GRID);
      for (let r = 0; r < GRID * GRID; r++) {
        const p = probs.data.subarray(r * k, (r + 1) * k);
        const c = nn.argmax(probs, r);
        const sure = Number.isFinite(p[c]) ? (p[c] - 1 / k) / (1 - 1 / k) : 0; // 0 on a tie, 1 when certain
        const mix = 0.12 + 0.6 * sure;
        for (let ch = 0; ch < 3; ch++) image.data[4 * r + ch] = 255 * (1 - mix) + colors[c][ch] * mix;
        image.data[4 * r + 3] = 255;
      }
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(bitmap(image), 0, 0, width, height);
      const [x0, x1, y0, y1] = this.data.set.view;
      const px = (x) => ((x - x0) / (x1 - x0)) * width, py = (y) => ((y1 - y) / (y1 - y0)) * height;
      if (this.kind === "neuron") this.drawLine(ctx, px, py);
      ctx.drawImage(this.dots(width, height, px, py), 0, 0);
      this.canvas.setAttribute("aria-label", `the plane coloured by the predicted class after ${this.model.steps} steps`);
    }

    /** The data points, drawn once per data set and canvas size on a canvas of their own (they do not move). */
    dots(width, height, px, py) {
      if (this.dotLayer && this.dotLayer.for === this.data && this.dotLayer.width === width && this.dotLayer.height === height) {
        return this.dotLayer;
      }
      const layer = Object.assign(document.createElement("canvas"), { width, height, for: this.data });
      const ctx = layer.getContext("2d");
      const radius = Math.max(2.5, width / (this.data.train.y.length < 100 ? 60 : 110)); // few points: larger dots
      const group = (part, test, c) => { // one path per class: far fewer calls than a path per point
        ctx.beginPath();
        for (let i = 0; i < part.y.length; i++) {
          if (part.y[i] !== c) continue;
          const x = px(part.X.data[2 * i]), y = py(part.X.data[2 * i + 1]);
          ctx.moveTo(x + radius, y);
          ctx.arc(x, y, radius, 0, 2 * Math.PI);
        }
        // training points: a dot with a white halo (drawn first, so the dots lie on top);
        // test points: a dot with a black edge
        ctx.fillStyle = COLORS[c];
        if (!test) {
          ctx.strokeStyle = "white";
          ctx.lineWidth = radius * 0.6;
          ctx.stroke();
          ctx.fill();
        } else {
          ctx.fill();
          ctx.strokeStyle = "black";
          ctx.lineWidth = radius * 0.35;
          ctx.stroke();
        }
      };
      for (let c = 0; c < this.data.set.classes; c++) group(this.data.train, false, c);
      if (this.kind === "network") for (let c = 0; c < this.data.set.classes; c++) group(this.data.test, true, c);
      this.dotLayer = layer;
      return layer;
    }

    showLegend() {
      const classes = Array.from({ length: this.data.set.classes }, (_, c) => c);
      this.legend.replaceChildren(...classes.map((c) => el("span", { class: "nn-pg-class" }, [
        el("span", { class: "nn-pg-swatch", style: `background:${COLORS[c]}` }), ` class ${c} `])),
        this.kind === "network" ? " · white edge: training points, black edge: test points · pale: unsure" : " · pale: unsure (a near 0.5)");
    }

    /** The neuron's decision line w1 x1 + w2 x2 + b = 0, where a = 0.5. */
    drawLine(ctx, px, py) {
      const [w1, w2] = this.model.w, b = this.model.b;
      const [x0, x1, y0, y1] = this.data.set.view;
      let ends;
      if (Math.abs(w2) > 1e-12) ends = [[x0, -(w1 * x0 + b) / w2], [x1, -(w1 * x1 + b) / w2]];
      else if (Math.abs(w1) > 1e-12) ends = [[-b / w1, y0], [-b / w1, y1]];
      else return; // w = 0: no line yet
      ctx.beginPath();
      ctx.moveTo(px(ends[0][0]), py(ends[0][1]));
      ctx.lineTo(px(ends[1][0]), py(ends[1][1]));
      ctx.strokeStyle = "black";
      ctx.lineWidth = Math.max(1.5, this.canvas.width / 200);
      ctx.stroke();
    }

    /** Each hidden neuron's activation over the plane: one small picture per neuron, a row per layer. */
    drawNeurons(hidden) {
      if (!hidden.length) return;
      const shape = this.settings.layers.join("-") + this.settings.act;
      if (this.tileShape !== shape) {
        this.tileShape = shape;
        this.tiles = hidden.map((A, l) => Array.from({ length: A.cols }, (_, j) =>
          el("canvas", { class: "nn-pg-tile", width: GRID, height: GRID, role: "img",
                         "aria-label": `layer ${l + 1}, neuron ${j + 1}`, title: `layer ${l + 1}, neuron ${j + 1}` })));
        this.neurons.replaceChildren(...this.tiles.map((row, l) => el("div", { class: "nn-pg-neuron-row" }, [
          el("span", { class: "nn-pg-row-label", text: `layer ${l + 1}` }), ...row])));
      }
      // tanh: blue below 0, orange above, scaled by the largest |a|; ReLU and sigmoid: light to dark
      const signed = this.settings.act === "tanh";
      const palette = signed ? DIVERGING : SEQUENTIAL;
      hidden.forEach((A, l) => {
        for (let j = 0; j < A.cols; j++) {
          let lo = Infinity, hi = -Infinity;
          for (let r = 0; r < A.rows; r++) {
            const v = A.data[r * A.cols + j];
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
          }
          const big = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
          const image = new ImageData(GRID, GRID);
          for (let r = 0; r < A.rows; r++) {
            const v = A.data[r * A.cols + j];
            const t = signed ? 0.5 + v / (2 * big) : hi > lo ? (v - lo) / (hi - lo) : 0; // in [0, 1]
            const c = 4 * Math.min(255, Math.max(0, Math.round(255 * t) || 0));
            image.data[4 * r] = palette[c];
            image.data[4 * r + 1] = palette[c + 1];
            image.data[4 * r + 2] = palette[c + 2];
            image.data[4 * r + 3] = 255;
          }
          this.tiles[l][j].getContext("2d").putImageData(image, 0, 0);
        }
      });
    }

    showStatus() {
      const m = this.measured;
      const parts = [`step ${this.model.steps}`];
      if (this.kind === "network") {
        parts.push(`epoch ${this.model.epoch.toFixed(1)}`, `training loss ${fmt(m.train.loss)}`,
                   `test loss ${fmt(m.test.loss)}`, `test accuracy ${(100 * m.test.accuracy).toFixed(1)}\u00a0%`);
      } else {
        parts.push(`squared error ${fmt(m.train.loss)}`, `accuracy ${(100 * m.train.accuracy).toFixed(0)}\u00a0%`,
                   `w = (${fmt(this.model.w[0])}, ${fmt(this.model.w[1])}), b = ${fmt(this.model.b)}`);
      }
      this.status.textContent = this.diverged || parts.join(" · ");
      this.status.classList.toggle("nn-pg-diverged", Boolean(this.diverged));
    }
  }

  // ------------------------------------------------------------------ drawing helpers
  function fmt(v) {
    return Number.isFinite(v) ? (Math.abs(v) >= 1000 || (v !== 0 && Math.abs(v) < 0.001) ? v.toExponential(2) : v.toPrecision(3)) : String(v);
  }

  /** The grid of points the pictures are computed on, row 0 at the top of the view. */
  function gridOf([x0, x1, y0, y1]) {
    const G = nn.matrix(GRID * GRID, 2);
    for (let r = 0; r < GRID; r++) {
      for (let c = 0; c < GRID; c++) {
        G.data[2 * (r * GRID + c)] = x0 + ((c + 0.5) * (x1 - x0)) / GRID;
        G.data[2 * (r * GRID + c) + 1] = y1 - ((r + 0.5) * (y1 - y0)) / GRID;
      }
    }
    return G;
  }

  const screenSizes = new WeakMap(); // canvas -> its size on the screen, kept by a ResizeObserver

  /** A canvas's 2-d context, its pixels matching its size on the screen. */
  function fit(canvas) {
    const ratio = window.devicePixelRatio || 1;
    const size = screenSizes.get(canvas) || { width: canvas.clientWidth, height: canvas.clientHeight };
    const width = Math.max(1, Math.round(size.width * ratio));
    const height = Math.max(1, Math.round(size.height * ratio));
    if (canvas.width !== width || canvas.height !== height) Object.assign(canvas, { width, height });
    return canvas.getContext("2d");
  }

  let scratch = null;
  /** An ImageData as something drawImage can scale (a small canvas, reused). */
  function bitmap(image) {
    scratch = scratch || document.createElement("canvas");
    scratch.width = image.width;
    scratch.height = image.height;
    scratch.getContext("2d").putImageData(image, 0, 0);
    return scratch;
  }

  function rgb(hex) {
    return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  }

  /** 256 colours (r, g, b, unused) running through three colours, for the neuron pictures. */
  function palette(low, middle, high) {
    const table = new Uint8ClampedArray(4 * 256);
    const [a, m, b] = [low, middle, high].map(rgb);
    for (let i = 0; i < 256; i++) {
      const t = 2 * (i / 255) - 1; // -1 .. 1, the middle colour at 0
      const end = t < 0 ? a : b;
      for (let ch = 0; ch < 3; ch++) table[4 * i + ch] = m[ch] + (end[ch] - m[ch]) * Math.abs(t);
    }
    return table;
  }
  const DIVERGING = palette("#1f77b4", "#ffffff", "#d95f02"); // negative, 0, positive
  const SEQUENTIAL = palette("#ffffff", "#6baed6", "#08306b"); // smallest to largest

  /** The loss curves: training (solid) and test (dashed) against the step; log scale for networks. */
  function drawLosses(canvas, history, logScale) {
    const ctx = fit(canvas);
    const { width, height } = canvas;
    const ratio = window.devicePixelRatio || 1;
    ctx.clearRect(0, 0, width, height);
    const values = history.flatMap((h) => [h.train, h.test]).filter((v) => v !== null && Number.isFinite(v) && (!logScale || v > 0));
    if (!values.length) return;
    const f = logScale ? Math.log10 : (v) => v;
    let lo = logScale ? f(Math.min(...values)) : 0, hi = f(Math.max(...values));
    if (hi - lo < 1e-9) [lo, hi] = [lo - 0.5, hi + 0.5];
    const last = Math.max(1, history[history.length - 1].step);
    const left = 46 * ratio, right = 8 * ratio, top = 8 * ratio, bottom = 18 * ratio;
    const x = (step) => left + (step / last) * (width - left - right);
    const y = (v) => top + ((hi - f(v)) / (hi - lo)) * (height - top - bottom);
    ctx.font = `${11 * ratio}px sans-serif`;
    ctx.fillStyle = "#555";
    ctx.strokeStyle = "#bbb";
    ctx.lineWidth = ratio;
    ctx.strokeRect(left, top, width - left - right, height - top - bottom);
    ctx.textAlign = "right";
    ctx.textBaseline = "top";
    ctx.fillText(fmt(logScale ? 10 ** hi : hi), left - 4 * ratio, top);
    ctx.textBaseline = "bottom";
    ctx.fillText(fmt(logScale ? 10 ** lo : lo), left - 4 * ratio, height - bottom);
    ctx.textBaseline = "top";
    ctx.textAlign = "left";
    ctx.fillText("0", left, height - bottom + 3 * ratio);
    ctx.textAlign = "right";
    ctx.fillText(`step ${history[history.length - 1].step}`, width - right, height - bottom + 3 * ratio);
    for (const [key, color, dash] of [["train", "#222", []], ["test", "#d62728", [5 * ratio, 3 * ratio]]]) {
      const points = history.filter((h) => h[key] !== null && Number.isFinite(h[key]) && (!logScale || h[key] > 0));
      if (!points.length) continue;
      ctx.beginPath();
      ctx.setLineDash(dash);
      points.forEach((h, i) => (i ? ctx.lineTo(x(h.step), y(h[key])) : ctx.moveTo(x(h.step), y(h[key]))));
      ctx.strokeStyle = color;
      ctx.lineWidth = 1.6 * ratio;
      ctx.stroke();
      ctx.setLineDash([]);
    }
  }

  // ------------------------------------------------------------------ start
  function start() {
    document.querySelectorAll(".nn-playground:not(.nn-pg-ready)").forEach((root) => {
      root.nnPlayground = new Playground(root);
    });
  }

  if (typeof document !== "undefined") {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
  }

  Object.assign(pg, { DATASETS, PRESETS, BATCHES, makeData, parseSettings, settingsToSearch, NetworkModel, NeuronModel });
})(typeof module === "object" && module.exports ? module.exports : (globalThis.nnPlayground = {}));
