// natgrad preview: live figures, checks and reloads in the built post.
// A Jinja2 template (natgrad/tools/preview/pages.py renders it, not autoescaped: JS).
(() => {
  const build = Number(document.querySelector('meta[name="natgrad-build"]').content);
  const statuses = new WeakMap();
  let panel = null;

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function figureImages(state) {
    const prefix = state.site.baseurl + "/assets/";
    const found = [];
    for (const img of document.images) {
      let name = img.dataset.natgradFigure;
      if (!name) {
        const url = new URL(img.getAttribute("src") || "", location.href);
        if (url.origin !== location.origin || !url.pathname.startsWith(prefix)) continue;
        const file = decodeURIComponent(url.pathname.slice(prefix.length));
        if (!file.endsWith(".png")) continue;
        name = file.slice(0, -4);
      }
      if (Object.hasOwn(state.figures, name)) found.push([img, name]);
    }
    return [prefix, found];
  }

  const VERDICT = {
    "current": "committed figure is current",
    "stale": "committed figure is stale",
    "differs": "committed figure differs",
    "not committed": "no committed figure",
    "checking": "checking the committed figure\u2026",
  };

  function showFigure(img, name, f, prefix) {
    img.dataset.natgradFigure = name;
    if (f.version && img.dataset.natgradVersion !== String(f.version)) {
      img.src = prefix + encodeURIComponent(name) + ".png?v=" + f.version;
      img.dataset.natgradVersion = String(f.version);
    }
    let box = statuses.get(img);
    if (!box) {
      box = el("div", "natgrad-status");
      box.dataset.natgradFor = name;
      (img.closest("figure") || img).insertAdjacentElement("afterend", box);
      statuses.set(img, box);
    }
    const v = f.verdict || {status: "checking", lines: []};
    box.replaceChildren();
    if (f.error) {
      box.append(el("div", "natgrad-error", f.error));
    }
    const line = el("div", "natgrad-verdict natgrad-" + v.status.replace(" ", "-"),
                    name + ".png: " + (VERDICT[v.status] || v.status));
    line.title = v.lines.join("\n");
    box.append(line);
    for (const l of v.status === "current" ? [] : v.lines) box.append(el("div", "natgrad-line", l));
    showText(img, name, f, box);
  }

  // What a reader without the image misses: an image with no alt text, or one
  // shown by the export's include whose alt is no longer the figure's (the blog's
  // _data/natgrad.yml is older than the figure); marked, with the text to copy.
  function showText(img, name, f, box) {
    const alt = (img.getAttribute("alt") || "").trim();
    const include = img.closest("figure.natgrad-figure") !== null;
    let what = null;
    if (!alt) {
      what = "missing";
    } else if (include && f.alt && alt !== f.alt) {
      what = "stale";
    }
    if (what) img.dataset.natgradText = what; else delete img.dataset.natgradText;
    if (!what || !f.alt) return;
    const note = el("div", "natgrad-text natgrad-text-" + what);
    note.append(el("div", "natgrad-text-what", name + ".png: " + (what === "missing"
      ? "no alt text: a screen reader says only \u201cimage\u201d. Its text, to copy:"
      : "its alt text is no longer the figure's: export again with blog_text=true. Now:")));
    const copy = el("textarea", "natgrad-text-copy");
    copy.readOnly = true;
    copy.rows = 3;
    copy.value = include
      ? f.alt
      : 'alt="' + f.alt.replaceAll("&", "&amp;").replaceAll('"', "&quot;") + '"';
    const more = el("details", "natgrad-text-description");
    more.append(el("summary", "", "Description"), el("div", "", f.description));
    note.append(copy, more);
    box.append(note);
  }

  function showPanel(state) {
    if (!panel) {
      panel = el("aside", "natgrad-panel");
      panel.id = "natgrad-panel";
      document.body.append(panel);
    }
    panel.replaceChildren(el("div", "natgrad-title", "natgrad preview"));
    for (const [id, text] of [["natgrad-config-error", state.config_error],
                              ["natgrad-site-error", state.site.error]]) {
      const e = el("div", "natgrad-error", text || "");
      e.id = id;
      panel.append(e);
    }
    const list = el("ol", "natgrad-claims");
    list.id = "natgrad-claims";
    for (const c of state.claims) {
      const spot = document.querySelector('[data-natgrad-claims~="' + c.id + '"]');
      if (!spot) continue;
      const item = el("li", "natgrad-" + c.verdict);
      item.dataset.claim = c.id;
      const link = el("a", "", c.id + " " + c.verdict);
      link.href = "#";
      link.onclick = (e) => { e.preventDefault(); spot.scrollIntoView({block: "center"}); };
      item.append(link, el("span", "", ": " + c.draft + (c.correct ? " (" + c.correct + ")" : "")));
      list.append(item);
      if (!spot.querySelector('.natgrad-claim[data-claim="' + c.id + '"]')) {
        const badge = el("span", "natgrad-claim natgrad-" + c.verdict, c.id + " " + c.verdict);
        badge.dataset.claim = c.id;
        badge.title = c.draft;
        spot.append(" ", badge);
      }
    }
    panel.append(list);
  }

  function apply(state) {
    if (state.site.build > build) {
      location.reload();
      return;
    }
    const [prefix, images] = figureImages(state);
    for (const [img, name] of images) showFigure(img, name, state.figures[name], prefix);
    showPanel(state);
    document.documentElement.dataset.natgradGeneration = String(state.generation);
  }

  new EventSource({{ own|tojson }} + "events").onmessage = (e) => apply(JSON.parse(e.data));
})();
