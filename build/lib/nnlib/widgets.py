"""Slider explorers: one `render(**params) -> Figure` function, shown two ways.

- `LiveExplorer` (JupyterLab, a running kernel): ipywidgets sliders; every change
  calls `render` again, so the model really retrains, and redraws the figure.
- `static_explorer` (the static site, no kernel): `render` is called at build time
  for every combination of slider values; the page gets plain HTML range inputs
  and a few lines of JavaScript that swap between the precomputed images.

Both take the same `render`, so what the site shows is what the live version
computes. This module imports ipywidgets and matplotlib, so `import nnlib` does
not load it; import it as `from nnlib.widgets import ...`.
"""
from __future__ import annotations

import base64
import hashlib
import html
import io
import itertools
import json

import matplotlib.pyplot as plt

__all__ = ["LiveExplorer", "static_explorer", "figure_png"]


def figure_png(fig, dpi: int = 72) -> bytes:
    """The figure as PNG bytes (no timestamp in the metadata, so it is reproducible)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


class LiveExplorer:
    """Controls that call `render(**values)` and show the Figure it returns.

    `sliders` maps each keyword of `render` to an ipywidgets control (a slider, or
    ToggleButtons). They act on release (`continuous_update=False`) so a drag retrains
    once, not fifty times. Every control gets the same label width, wide enough for the
    longest label, and a long track, so the controls line up one per line and
    small steps are easy to make (`control_width`). A run that diverges (render raises FloatingPointError)
    shows its message in place of the figure. `calls`, `params` and `png` record the last
    redraw, which lets a test move a slider and check that the figure really changed.
    """

    def __init__(self, render, *, control_width="42em", **sliders):
        import ipywidgets as widgets

        if not sliders:
            raise ValueError("LiveExplorer needs at least one slider, e.g. lr=FloatLogSlider(...)")
        self.render = render
        self.sliders = sliders
        self.output = widgets.Output()
        self.calls = 0
        self.params: dict = {}
        self.png = b""
        label = f"{max(len(s.description or name) for name, s in sliders.items()) * 0.6 + 1:.1f}em"
        rows = []
        for name, slider in sliders.items():
            slider.description = slider.description or name
            slider.continuous_update = False
            slider.style.description_width = label  # the whole label, the same for every control
            slider.layout.width, slider.layout.max_width = control_width, "100%"
            if isinstance(slider, widgets.ToggleButtons):  # its own label would sit above the buttons
                caption = widgets.Label(slider.description, layout=widgets.Layout(  # right-aligned, as sliders'
                    width=label, min_width=label, display="flex", justify_content="flex-end", margin="0 8px 0 0"))
                slider.description, slider.layout.width = "", "auto"
                slider.style.button_width = "auto"
                rows.append(widgets.HBox([caption, slider], layout=widgets.Layout(align_items="center")))
            else:
                rows.append(slider)
            slider.observe(self.update, names="value")
        self.widget = widgets.VBox([*rows, self.output])

    def update(self, change=None):
        """Re-run `render` with the sliders' current values and redraw."""
        from IPython.display import display

        self.params = {name: slider.value for name, slider in self.sliders.items()}
        try:
            fig = self.render(**self.params)
        except FloatingPointError as error:  # a run that blew up: say so where the figure would be
            fig, ax = plt.subplots(figsize=(8, 1.2))  # an axes: IPython shows no figure without one
            ax.set_axis_off()
            ax.text(0.5, 0.5, f"training diverged: {error}", ha="center", va="center", wrap=True,
                    color="tab:red", fontsize=11, transform=ax.transAxes)
        self.png = figure_png(fig)
        self.calls += 1
        with self.output:
            self.output.clear_output(wait=True)
            display(fig)
        plt.close(fig)

    def _ipython_display_(self):
        from IPython.display import display

        self.update()
        display(self.widget)


def _label(value) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


CAPTION = ("Precomputed explorer: every position of the sliders was trained when this page was built. "
           "In JupyterLab, the live explorer just above it retrains for any value.")
NO_SCRIPT = ("The sliders appear once this output is trusted (run the notebook, or read it on the book's "
             "site); the figure shows the default setting.")


def static_explorer(render, *, defaults: dict | None = None, dpi: int = 72, alt: str | None = None, **axes):
    """Precompute `render` over a grid of slider values; return an HTML display object.

    `axes` maps each keyword of `render` to the list of values its slider offers,
    for example `static_explorer(render, lr=[0.01, 0.1, 1.0], hidden=[4, 16])`.
    `defaults` picks the starting value of each slider, one of its values (the middle one
    otherwise). `alt` describes the figure for readers who cannot see it, with the slider
    values filled in (`alt="loss curve for learning rate {lr}"`).
    Every combination is rendered once (len(lr) * len(hidden) figures here), so
    keep the grids small.

    The sliders are hidden until the page's script runs: where it cannot (an untrusted
    notebook in JupyterLab strips scripts; its sanitizer keeps `display:none` but not the
    `hidden` attribute), the reader sees the default figure and a note, not dead sliders.
    """
    from IPython.display import HTML

    if not axes:
        raise ValueError("static_explorer needs at least one axis, e.g. lr=[0.01, 0.1, 1.0]")
    for name, values in axes.items():
        if len(values) == 0:
            raise ValueError(f"axis {name!r} has no values; give a non-empty list")
    names = list(axes)
    defaults = defaults or {}
    unknown = set(defaults) - set(names)
    if unknown:
        raise ValueError(f"defaults name {sorted(unknown)}, which are not axes {names}")
    for name, value in defaults.items():
        if value not in list(axes[name]):
            allowed = ", ".join(_label(v) for v in axes[name])
            raise ValueError(f"static_explorer: the default of slider {name!r} is {value!r}, which is not one "
                             f"of its values [{allowed}]; pick one of them or add it to the list")
    start = [list(axes[n]).index(defaults[n]) if n in defaults else (len(axes[n]) - 1) // 2 for n in names]

    names_values = [dict(zip(names, combo)) for combo in itertools.product(*(axes[n] for n in names))]
    images, alts = [], []
    for values in names_values:
        fig = render(**values)
        images.append("data:image/png;base64," + base64.b64encode(figure_png(fig, dpi)).decode())
        plt.close(fig)
        labels = {name: _label(value) for name, value in values.items()}
        alts.append(alt.format(**labels) if alt else "figure for " + ", ".join(f"{n} = {v}" for n, v in labels.items()))
    uid = "nnx-" + hashlib.sha1("".join(images).encode()).hexdigest()[:10]

    rows = []
    for i, name in enumerate(names):
        labels = [_label(v) for v in axes[name]]
        rows.append(
            f'<label style="display:block;margin:2px 0">{html.escape(name)} '
            f'<input type="range" min="0" max="{len(labels) - 1}" step="1" value="{start[i]}" '
            f'data-labels="{html.escape(json.dumps(labels))}" style="vertical-align:middle;width:14em"> '
            f"<output>{html.escape(labels[start[i]])}</output></label>"
        )
    sizes = [len(axes[n]) for n in names]
    first = 0
    for index, size in zip(start, sizes):
        first = first * size + index
    script = f"""<script>
(function () {{
  var root = document.getElementById("{uid}");
  var images = {json.dumps(images)};
  var alts = {json.dumps(alts)};
  var sizes = {json.dumps(sizes)};
  var inputs = root.querySelectorAll("input[type=range]");
  var img = root.querySelector("img");
  function show() {{
    var k = 0;
    inputs.forEach(function (input, i) {{
      k = k * sizes[i] + Number(input.value);
      input.nextElementSibling.textContent = JSON.parse(input.dataset.labels)[input.value];
    }});
    img.src = images[k];
    img.alt = alts[k];
  }}
  inputs.forEach(function (input) {{ input.addEventListener("input", show); }});
  root.querySelector(".nnx-controls").style.display = "";  // the script runs: the sliders work
  root.querySelector(".nnx-noscript").remove();
}})();
</script>"""
    body = (
        f'<div id="{uid}" class="nnlib-explorer">'
        f'<p style="font-size:90%;margin:0 0 4px 0"><em>{html.escape(CAPTION)}</em></p>'
        f'<p class="nnx-noscript" style="font-size:90%;margin:0 0 4px 0">{html.escape(NO_SCRIPT)}</p>'
        f'<div class="nnx-controls" style="display:none">' + "".join(rows) + "</div>"
        + f'<img src="{images[first]}" alt="{html.escape(alts[first])}" style="max-width:100%">'
        + "</div>"
        + script
    )
    return HTML(body)
