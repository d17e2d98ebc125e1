// Loaded between require.js and the ipywidgets embed manager (see book/_ext/nnbook.py).
(function () {
  "use strict";
  // 1. Where the embed manager lives. It computes the URL of its fonts (Font Awesome) from the
  //    URL require.js gives its modules; by default that is the page's own folder, where no font
  //    is. Map every module it defines to files in its real folder so the fonts load from there.
  var here = document.currentScript.src;
  var assets = here.slice(0, here.lastIndexOf("/") + 1) + "offline/html-manager/";
  var names = [
    "@jupyter-widgets/base", "@jupyter-widgets/controls", "@jupyter-widgets/base7",
    "@jupyter-widgets/controls7", "@jupyter-widgets/html-manager",
    "@jupyter-widgets/html-manager/dist/libembed-amd",
  ];
  var paths = {};
  names.forEach(function (name) { paths[name] = assets + name.replace(/\//g, "_"); });
  window.requirejs.config({ paths: paths });
  window.__jupyter_widgets_assets_path__ = assets;

  // 2. ipywidgets 8 typesets labels with the MathJax 2 call MathJax.Hub.Queue(["Typeset", MathJax.Hub, el]).
  //    The site loads MathJax 3, which has no Hub. Whatever window.MathJax becomes (first the
  //    configuration object, then MathJax 3 itself, which replaces it), it gets a Hub whose Queue
  //    waits for MathJax 3 to be ready and forwards to typesetPromise.
  function typesetLater(elements) {
    var mj = window.MathJax;
    if (!mj || !mj.startup || !mj.startup.promise) {  // MathJax 3 not loaded yet: try again once the page is
      window.addEventListener("load", function () { typesetLater(elements); }, { once: true });
      return;
    }
    mj.startup.promise
      .then(function () { return mj.typesetPromise(elements.length ? elements : undefined); })
      .catch(function (error) { console.warn("MathJax could not typeset a widget label:", error); });
  }
  // Widget labels write math as $...$ (as in JupyterLab); the site's MathJax only looks for \(...\)
  // (the delimiters MyST writes), so that dollar signs in prose stay dollar signs. Rewrite the
  // labels it is asked to typeset.
  function dollarsToParens(element) {
    var walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      var text = node.nodeValue;
      var math = text.replace(/\$\$([^$]+)\$\$/g, "\\[$1\\]").replace(/\$([^$]+)\$/g, "\\($1\\)");
      if (math !== text) node.nodeValue = math;
    }
  }
  var hub = {
    Queue: function () {
      var elements = [];
      Array.prototype.forEach.call(arguments, function (job) {
        if (Array.isArray(job) && job[0] === "Typeset" && job[2]) elements.push(job[2]);
      });
      elements.forEach(dollarsToParens);
      typesetLater(elements);
    },
  };
  function addHub(value) {
    // Not enumerable, so MathJax 3 does not read it as a configuration option.
    if (value && typeof value === "object" && !value.Hub) {
      Object.defineProperty(value, "Hub", { value: hub, enumerable: false, configurable: true });
    }
  }
  var current = window.MathJax;
  addHub(current);
  Object.defineProperty(window, "MathJax", {
    configurable: true,
    enumerable: true,
    get: function () { return current; },
    set: function (value) { current = value; addHub(value); },
  });
})();
