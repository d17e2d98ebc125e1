// What the playground page does without a browser: settings from the address, the data sets,
// the models it trains. (`make playground`; the page itself is tested in tests/browser/test_playground.py.)
"use strict";
const assert = require("node:assert/strict");
const test = require("node:test");

const pg = require("../../book/_ext/playground/playground.js");

test("a setting survives the trip through the address", () => {
  const search = "?data=spiral&noise=0.4&test=0.3&layers=8-4-2&act=tanh&lr=0.0316&l2=0.00025&batch=all&opt=sgd&seed=17";
  const s = pg.parseSettings(search, "clusters");
  assert.deepEqual(s, { data: "spiral", noise: 0.4, test: 0.3, layers: [8, 4, 2], act: "tanh", lr: 0.0316,
                        l2: 0.00025, batch: "all", opt: "sgd", seed: 17 });
  assert.deepEqual(pg.parseSettings(pg.settingsToSearch(s), "clusters"), s);
});

test("no address means the preset's defaults: chapter 7's network and chapter 1's neuron", () => {
  assert.deepEqual(pg.parseSettings("", "clusters"), pg.PRESETS.clusters.defaults);
  assert.deepEqual(pg.parseSettings("", "neuron"), pg.PRESETS.neuron.defaults);
  const chapter7 = pg.PRESETS.clusters.defaults; // the chapter's 2-5-3 ReLU network, Adam 0.01, L2 1e-3, 32
  assert.deepEqual([chapter7.layers, chapter7.act, chapter7.opt, chapter7.lr, chapter7.l2, chapter7.batch],
                   [[5], "relu", "adam", 0.01, 0.001, 32]);
});

test("values out of range are clamped, nonsense falls back to the default", () => {
  const s = pg.parseSettings("?layers=40-0&lr=-3&noise=9&test=0.9&l2=5&batch=7&act=swish&opt=rmsprop&data=moons&seed=1.6", "clusters");
  const d = pg.PRESETS.clusters.defaults;
  assert.deepEqual(s.layers, [16, 1]);
  assert.equal(s.lr, 1e-4);
  assert.equal(s.noise, 2.5);
  assert.equal(s.test, 0.5);
  assert.equal(s.l2, 1);
  assert.equal(s.seed, 2);
  for (const key of ["batch", "act", "opt", "data"]) assert.equal(s[key], d[key], key);
  assert.deepEqual(pg.parseSettings("?layers=1-2-3-4&lr=abc&seed=", "clusters").layers, d.layers);
  assert.equal(pg.parseSettings("?lr=abc", "clusters").lr, d.lr);
});

test("the neuron's setting has only what a neuron has", () => {
  const s = pg.parseSettings("?data=xor&lr=30&layers=4&l2=0.1&data2=spiral", "neuron");
  assert.deepEqual(s, { data: "xor", noise: 1, lr: 30, seed: 0 });
  assert.equal(pg.parseSettings("?data=spiral", "neuron").data, "clouds", "the neuron offers no spiral");
});

test("every data set is seeded, has the points and classes it says, and a test share", () => {
  for (const name of Object.keys(pg.DATASETS)) {
    const settings = { data: name, noise: 1, test: 0.25, seed: 3 };
    const a = pg.makeData(settings), b = pg.makeData(settings), c = pg.makeData({ ...settings, seed: 4 });
    assert.deepEqual(a.train.X.data, b.train.X.data, name);
    assert.notDeepEqual(a.train.X.data, c.train.X.data, name);
    const n = a.train.y.length + a.test.y.length;
    assert.equal(a.test.y.length, Math.round(0.25 * n), name);
    const classes = new Set([...a.train.y, ...a.test.y]);
    assert.equal(classes.size, pg.DATASETS[name].classes, name);
    assert.ok(a.train.X.data.every(Number.isFinite), name);
  }
});

test("the clusters are chapter 7's: 200, 150 and 250 points around (0, 0), (1, 4) and (2, 8)", () => {
  const { train, test } = pg.makeData({ data: "clusters", noise: 1, test: 0.25, seed: 1 });
  const X = [...train.X.data, ...test.X.data], y = [...train.y, ...test.y];
  const counts = [0, 0, 0], sums = [[0, 0], [0, 0], [0, 0]];
  y.forEach((c, i) => {
    counts[c] += 1;
    sums[c][0] += X[2 * i];
    sums[c][1] += X[2 * i + 1];
  });
  assert.deepEqual(counts, [200, 150, 250]);
  const means = sums.map(([a, b], c) => [a / counts[c], b / counts[c]]);
  [[0, 0], [1, 4], [2, 8]].forEach((m, c) => {
    assert.ok(Math.hypot(means[c][0] - m[0], means[c][1] - m[1]) < 0.25, `cluster ${c}: mean ${means[c]}`);
  });
});

test("a network trained in the playground learns the clusters, and the same setting trains the same way", () => {
  const s = pg.parseSettings("?batch=32&lr=0.01", "clusters");
  const run = () => {
    const model = new pg.NetworkModel(s, pg.makeData(s));
    const before = model.measure();
    for (let i = 0; i < 60 * model.stepsPerEpoch; i++) model.step();
    return { before, after: model.measure(), epoch: model.epoch };
  };
  const first = run(), second = run();
  assert.deepEqual(first, second);
  assert.equal(first.epoch, 60);
  assert.ok(first.after.train.loss < first.before.train.loss / 4, JSON.stringify(first));
  assert.ok(first.after.test.accuracy >= 0.95, JSON.stringify(first.after));
});

test("changing the learning rate, L2 or batch size goes on from where training is", () => {
  const s = pg.parseSettings("", "clusters");
  const model = new pg.NetworkModel(s, pg.makeData(s));
  model.step();
  model.retune({ ...s, lr: 0.5, l2: 0.1, batch: "all" });
  assert.equal(model.optimizer.lr, 0.5);
  assert.ok(model.net.layers.filter((l) => "l2" in l).every((l) => l.l2 === 0.1));
  assert.equal(model.stepsPerEpoch, 1);
  assert.equal(model.steps, 1);
});

test("the neuron trains like chapter 1: from w = 0 and b = 0, on every point, and separates the clouds", () => {
  const s = pg.parseSettings("", "neuron");
  const model = new pg.NeuronModel(s, pg.makeData(s));
  assert.deepEqual([...model.w, model.b], [0, 0, 0]);
  assert.equal(model.data.train.y.length, 20);
  const start = model.measure().train.loss;
  assert.equal(start, 0.25); // a = 0.5 everywhere
  for (let i = 0; i < 100; i++) model.step();
  const end = model.measure().train;
  assert.ok(end.loss < 0.15 && end.accuracy >= 0.8, JSON.stringify(end));
});

test("a neuron cannot learn XOR: no straight line separates it", () => {
  const s = pg.parseSettings("?data=xor", "neuron");
  const model = new pg.NeuronModel(s, pg.makeData(s));
  for (let i = 0; i < 300; i++) model.step();
  assert.ok(model.measure().train.accuracy < 0.7);
});
