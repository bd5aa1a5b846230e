// The course's explorers in the browser: one front end that draws any scene.
//
// Python (course_utils/explorers) computes a scene from the control values and sends it
// as the `scene` trait; this module draws it as SVG and answers pointing at once, in the
// page, with no kernel round trip:
//
//   * pointing at a cell of a link's target grid lights the source cells it reads
//     (`reads[cell]`, class is-read), the weight cells that multiply them (`taps[cell]`,
//     class is-tap), follows further links from those cells, and writes the computation
//     out with the numbers in the info line (op "sum", "max", "mean"); op "field" draws
//     `rects[cell]` on the source ([top, left, bottom, right], inclusive, in the source
//     grid's coordinates row0/col0; the part beyond the grid is dashed);
//   * pointing at a cell of a link's source grid lights every target cell that reads it
//     (class is-reader);
//   * a click pins the cell (class is-selected, trait `selection` = [grid id, cell]);
//     the arrow keys move it when the grid has the focus; play / step walk `scene.sweep`.
//
// Controls come from the `controls` trait and are updated in place (limits included)
// whenever it changes. A change sends {type: "set", values, request: n}; at most one
// request is in flight and later changes are merged into the next one. When `answered`
// does not reach n within LIVENESS_MS the explorer says that the kernel is busy or was
// restarted. No build step and no libraries: plain DOM and SVG.
//
// The front end's own phrases are written in English and looked up with t("...", {fields}) in
// the `phrases` trait (English -> the language in use, filled by Python: _widget.front_end_phrases,
// the one list of them); a phrase missing there is shown in English.

const SVG_NS = "http://www.w3.org/2000/svg";
const LIVENESS_MS = 1500; // a request unanswered this long: the kernel is busy or gone
const PING_EVERY_MS = 10000; // pointing at the explorer checks the kernel at most this often
const PLAY_MS = 700; // one step of the sweep
const MENU_OVER = 5; // a choice with more options than this is a menu
const MIN_VALUE_CELL = 16; // smaller cells do not write their values (render_png.py: the same)
const MIN_AXIS_CELL = 16; // smaller cells get no row/column numbers
const MAX_TERMS = 30; // a longer computation is written with its middle left out

const OWN_KEYS = new Set(["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End", "PageUp", "PageDown",
  "Enter", " ", "Escape"]);

const NUMERIC = /^[-+−]?[\d,.]+(e[-+]?\d+)?( ?[%×a-zA-Z]{0,3})?$/; // a table cell that reads as a number

let instances = 0;

// ---------------------------------------------------------------------------- small helpers
/** `template` with each {name} replaced by fields[name] (a name without a field stays as it is). */
export function fill(template, fields = {}) {
  return String(template).replace(/\{(\w+)\}/g, (whole, name) =>
    (Object.prototype.hasOwnProperty.call(fields, name) ? String(fields[name]) : whole));
}

/** The phrase `english` in the language of `phrases` (English when it has none), filled with `fields`. */
export function phrase(phrases, english, fields = {}) {
  const text = phrases && typeof phrases[english] === "string" ? phrases[english] : english;
  return fill(text, fields);
}

function make(tag, className, attributes = {}) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  return node;
}

function svg(tag, attributes = {}) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  return node;
}

/** A number as the text writes it: 19, -3, 0.3333, 1.5e+21. */
export function formatNumber(value) {
  if (typeof value !== "number" || !Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  return String(Number(value.toPrecision(4)));
}

/** A number in a box: 1000, 2.5, 1,000,000 (groups of three from 10,000 up: the boxes read them back). */
function boxNumber(value) {
  if (Number.isInteger(value) && Math.abs(value) >= 10000 && Math.abs(value) < 1e15) return value.toLocaleString("en-US");
  return formatNumber(value);
}

/** A number inside a cell, in about four characters. */
function cellText(value) {
  if (Number.isInteger(value) && Math.abs(value) < 10000) return String(value);
  const short = String(Number(value.toPrecision(3)));
  return short.length <= 5 ? short : value.toExponential(0);
}

function factor(value) {
  const text = formatNumber(value);
  return value < 0 ? `(${text})` : text;
}

/**
 * Parse what a student typed in a number box: 1000, 1,000, 1e3, -2.5, .5.
 * Returns a number, or null for anything else.
 */
export function parseNumber(text) {
  let s = String(text).trim().replace(/\s+/g, "").replace(/\u2212/g, "-");
  if (/^[+-]?\d{1,3}(,\d{3})+(\.\d*)?([eE][+-]?\d+)?$/.test(s)) s = s.replace(/,/g, "");
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return null;
  const value = Number(s);
  return Number.isFinite(value) ? value : null;
}

/** CSS pixels per cell (render_png.cell_size: the same rule). */
export function cellSize(grid) {
  const longest = Math.max(grid.rows, grid.cols, 1);
  if (grid.show_values) return Math.max(18, Math.min(30, 480 / longest));
  return longest <= 200 ? Math.max(2, Math.min(24, 280 / longest)) : 400 / longest;
}

const SIGNED_LOW = [0x21, 0x66, 0xac];
const SIGNED_MID = [0xf7, 0xf7, 0xf7];
const SIGNED_HIGH = [0xb2, 0x18, 0x2b];

/** The fill of each cell as [r, g, b], or null where the theme's paper shows (shade "none"). */
function shadeColours(grid) {
  const count = grid.rows * grid.cols;
  const values = grid.values || [];
  if (grid.shade === "none" || !grid.shade || values.length !== count) return new Array(count).fill(null);
  if (grid.shade === "grey") {
    let low = Infinity;
    let high = -Infinity;
    for (const v of values) {
      if (v < low) low = v;
      if (v > high) high = v;
    }
    if (low >= 0 && high <= 1) [low, high] = [0, 1];
    const span = high - low || 1;
    return values.map((v) => {
      const g = Math.round((255 * (v - low)) / span);
      return [g, g, g];
    });
  }
  const biggest = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1;
  return values.map((v) => {
    const t = v / biggest;
    const end = t > 0 ? SIGNED_HIGH : SIGNED_LOW;
    return SIGNED_MID.map((m, i) => Math.round(m + (end[i] - m) * Math.abs(t)));
  });
}

function luminance([r, g, b]) {
  const channel = (c) => {
    c /= 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

/** Black or white ink, whichever contrasts more with the fill. */
function inkOn(rgb) {
  const l = luminance(rgb);
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? "#000" : "#fff";
}

// The sweep's buttons as small SVG icons (no font has to supply the glyphs).
const ICONS = {
  back: "M3 3h2v10H3zM13 3v10L6 8z",
  forward: "M11 3h2v10h-2zM3 3v10l7-5z",
  play: "M4 2.5v11L13 8z",
  pause: "M4 3h3v10H4zM9 3h3v10H9z",
};

function icon(d) {
  const node = svg("svg", { viewBox: "0 0 16 16", width: 14, height: 14, "aria-hidden": "true", class: "cu-icon" });
  node.append(svg("path", { d }));
  return node;
}

/** [top, left, bottom, right] when `cells` fill exactly that rectangle of a grid `cols` wide, else null. */
export function blockOf(cells, cols, count) {
  let top = Infinity;
  let left = Infinity;
  let bottom = -1;
  let right = -1;
  let size = 0;
  for (const i of cells) {
    if (i < 0 || i >= count) return null;
    const r = Math.floor(i / cols);
    const c = i % cols;
    top = Math.min(top, r);
    bottom = Math.max(bottom, r);
    left = Math.min(left, c);
    right = Math.max(right, c);
    size += 1;
  }
  return size > 0 && size === (bottom - top + 1) * (right - left + 1) ? [top, left, bottom, right] : null;
}

function rgb(colour) {
  return `rgb(${colour[0]}, ${colour[1]}, ${colour[2]})`;
}

function sameValue(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

function listText(view, items, most = 12) {
  if (items.length <= most) return items.join(", ");
  return view.t("{shown}, … ({count} in all)", { shown: items.slice(0, most).join(", "), count: items.length });
}

// ---------------------------------------------------------------------------- one grid drawn as SVG
class GridView {
  constructor(view, grid, overhang) {
    this.view = view;
    this.grid = grid;
    this.count = grid.rows * grid.cols;
    const s = (this.s = cellSize(grid));
    const axis = s >= MIN_AXIS_CELL;
    this.left = Math.max(overhang[1] * s, axis ? 24 : 2);
    this.top = Math.max(overhang[0] * s, axis ? 16 : 2);
    const width = this.left + grid.cols * s + Math.max(overhang[3] * s, 2);
    const height = this.top + grid.rows * s + Math.max(overhang[2] * s, 2);

    this.figure = make("figure", "cu-grid", { "data-grid": grid.id });
    const caption = make("figcaption", "cu-grid-title");
    caption.textContent = grid.title;
    this.figure.append(caption);
    this.svg = svg("svg", {
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      class: "cu-grid-svg" + (grid.flagged ? " is-flagged" : ""),
      tabindex: 0,
      role: "group",
      "aria-label": view.t("{title}: {rows} × {cols} cells; arrow keys move the selected cell",
        { title: grid.title, rows: grid.rows, cols: grid.cols }),
      "data-grid": grid.id,
    });
    this.figure.append(this.svg);
    if (grid.note) {
      const note = make("figcaption", "cu-grid-note");
      note.textContent = grid.note;
      this.figure.append(note);
    }
    this.draw();
  }

  x(col) {
    return this.left + col * this.s;
  }

  y(row) {
    return this.top + row * this.s;
  }

  draw() {
    const { grid, s, count } = this;
    const uid = this.view.uid;
    const kinds = grid.kinds && grid.kinds.length === count ? grid.kinds : new Array(count).fill("");
    this.kinds = kinds;
    const colours = shadeColours(grid);
    const cells = svg("g", { class: "cu-cells" });
    const veils = svg("g", { class: "cu-veils", "pointer-events": "none" });
    this.cells = new Array(count);
    for (let i = 0; i < count; i++) {
      const row = Math.floor(i / grid.cols);
      const col = i % grid.cols;
      const kind = kinds[i] || "";
      const rect = svg("rect", {
        x: this.x(col), y: this.y(row), width: s, height: s,
        class: "cu-cell" + (kind ? ` kind-${kind}` : "") + (colours[i] || kind === "pad" ? "" : " shade-none"),
        "data-grid": grid.id, "data-cell": i, "data-row": row, "data-col": col,
      });
      if (kind === "pad") rect.setAttribute("fill", `url(#${uid}-pad)`);
      else if (colours[i]) rect.setAttribute("fill", rgb(colours[i]));
      cells.append(rect);
      this.cells[i] = rect;
      if (kind === "unread" || kind === "dropped") {
        veils.append(svg("rect", {
          x: this.x(col), y: this.y(row), width: s, height: s, class: `cu-veil kind-${kind}`,
          fill: `url(#${uid}-${kind})`,
        }));
      }
    }
    this.svg.append(cells, veils);

    if (s >= 5) { // cell borders: one path, faint over a picture of small cells
      let d = "";
      for (let r = 1; r < grid.rows; r++) d += `M${this.x(0)} ${this.y(r)}H${this.x(grid.cols)}`;
      for (let c = 1; c < grid.cols; c++) d += `M${this.x(c)} ${this.y(0)}V${this.y(grid.rows)}`;
      const fine = s < 12 && colours.some((colour) => colour !== null);
      this.svg.append(svg("path", { d, class: "cu-lines" + (fine ? " is-fine" : ""), "pointer-events": "none" }));
    }
    this.svg.append(svg("rect", {
      x: this.x(0), y: this.y(0), width: grid.cols * s, height: grid.rows * s,
      class: "cu-border" + (grid.flagged ? " is-flagged" : ""), "pointer-events": "none",
    }));

    const texts = svg("g", { class: "cu-values", "pointer-events": "none" });
    const labels = grid.labels && grid.labels.length === count ? grid.labels : null;
    if (grid.show_values && s >= MIN_VALUE_CELL && (labels || (grid.values && grid.values.length === count))) {
      const size = Math.min(11, s * 0.42);
      for (let i = 0; i < count; i++) {
        const text = svg("text", {
          x: this.x((i % grid.cols) + 0.5), y: this.y(Math.floor(i / grid.cols) + 0.5),
          "font-size": size, class: "cu-value" + (kinds[i] === "pad" ? " kind-pad" : ""),
        });
        if (colours[i] && kinds[i] !== "pad") text.style.fill = inkOn(colours[i]); // over the theme's ink
        text.textContent = labels ? labels[i] : cellText(grid.values[i]);
        texts.append(text);
      }
    }
    this.svg.append(texts);

    if (s >= MIN_AXIS_CELL) {
      const axes = svg("g", { class: "cu-axis", "pointer-events": "none", "aria-hidden": "true" });
      for (let c = 0; c < grid.cols; c++) {
        const t = svg("text", { x: this.x(c + 0.5), y: this.y(0) - 4, "text-anchor": "middle" });
        t.textContent = String(c + (grid.col0 || 0));
        axes.append(t);
      }
      for (let r = 0; r < grid.rows; r++) {
        const t = svg("text", { x: this.x(0) - 5, y: this.y(r + 0.5), "text-anchor": "end", "dominant-baseline": "central" });
        t.textContent = String(r + (grid.row0 || 0));
        axes.append(t);
      }
      this.svg.append(axes);
    }

    const marks = svg("g", { class: "cu-marks", "pointer-events": "none" });
    this.marks = {};
    for (const name of ["area", "reader", "read", "tap", "hover", "halo", "selected"]) {
      this.marks[name] = svg("path", { class: `cu-mark mark-${name}`, d: "" });
      marks.append(this.marks[name]);
    }
    this.fields = svg("g", { class: "cu-fields", "pointer-events": "none" });
    marks.append(this.fields);
    this.svg.append(marks);
  }

  /** Outline of `cells` (a Set), inset so neighbours' strokes do not hide it: one rectangle when
   * the cells fill one (a window), else a square per cell (a dilated window, scattered readers). */
  markPath(cells, inset) {
    const { s, grid } = this;
    const block = blockOf(cells, grid.cols, this.count);
    if (block) {
      const [top, left, bottom, right] = block;
      const w = (right - left + 1) * s - 2 * inset;
      const h = (bottom - top + 1) * s - 2 * inset;
      return `M${this.x(left) + inset} ${this.y(top) + inset}h${w}v${h}h${-w}z`;
    }
    const side = s - 2 * inset;
    let d = "";
    for (const i of cells) {
      if (i < 0 || i >= this.count) continue;
      d += `M${this.x(i % grid.cols) + inset} ${this.y(Math.floor(i / grid.cols)) + inset}h${side}v${side}h${-side}z`;
    }
    return d;
  }

  setMark(name, cells) {
    // Reads and taps inside the cells; the picked cell on its border, a light ring under a dark line.
    const inset = ["area", "selected", "halo"].includes(name) ? 0 : Math.min(name === "hover" ? 2 : 1.5, this.s / 6);
    this.marks[name].setAttribute("d", cells && cells.size ? this.markPath(cells, inset) : "");
  }

  /** Draw field rectangles ([top, left, bottom, right] in grid coordinates): solid inside, dashed beyond. */
  setFields(rects) {
    this.fields.replaceChildren();
    const { grid, s } = this;
    for (const [top, left, bottom, right] of rects) {
      const r0 = top - (grid.row0 || 0);
      const c0 = left - (grid.col0 || 0);
      const h = bottom - top + 1;
      const w = right - left + 1;
      this.fields.append(svg("rect", {
        x: this.x(c0), y: this.y(r0), width: w * s, height: h * s, class: "cu-field-outer",
      }));
      const inside = [Math.max(r0, 0), Math.max(c0, 0), Math.min(r0 + h, grid.rows), Math.min(c0 + w, grid.cols)];
      if (inside[2] > inside[0] && inside[3] > inside[1]) {
        this.fields.append(svg("rect", {
          x: this.x(inside[1]), y: this.y(inside[0]), width: (inside[3] - inside[1]) * s,
          height: (inside[2] - inside[0]) * s, class: "cu-field-inner",
        }));
      }
    }
  }

  /** Cells inside a field rectangle. */
  cellsIn(rect) {
    const { grid } = this;
    const top = rect[0] - (grid.row0 || 0);
    const left = rect[1] - (grid.col0 || 0);
    const bottom = rect[2] - (grid.row0 || 0);
    const right = rect[3] - (grid.col0 || 0);
    const cells = new Set();
    for (let r = Math.max(top, 0); r <= Math.min(bottom, grid.rows - 1); r++) {
      for (let c = Math.max(left, 0); c <= Math.min(right, grid.cols - 1); c++) cells.add(r * grid.cols + c);
    }
    return cells;
  }

  /** "(r, c)" in the grid's own coordinates. */
  where(cell) {
    const { grid } = this;
    return `(${Math.floor(cell / grid.cols) + (grid.row0 || 0)}, ${(cell % grid.cols) + (grid.col0 || 0)})`;
  }

  value(cell) {
    const values = this.grid.values;
    return values && cell < values.length ? values[cell] : undefined;
  }
}

// ---------------------------------------------------------------------------- controls
function controlId(view, name, part = "") {
  return `${view.uid}-${name}${part}`;
}

function rangeText(view, control) {
  const low = control.min !== null && control.min !== undefined ? formatNumber(control.min) : null;
  const high = control.max !== null && control.max !== undefined ? formatNumber(control.max) : null;
  if (low !== null && high !== null) return view.t("between {low} and {high}", { low, high });
  if (low !== null) return view.t("at least {low}", { low });
  return high !== null ? view.t("at most {high}", { high }) : view.t("any number");
}

function outOfRange(control, value) {
  return (control.min !== null && control.min !== undefined && value < control.min) ||
    (control.max !== null && control.max !== undefined && value > control.max);
}

/** The parts every control has: its box, label, note line and message line. */
function controlShell(view, control) {
  const el = make("div", "cu-control", { "data-control": control.name, "data-kind": control.kind });
  const label = make("label", "cu-label", { for: controlId(view, control.name) });
  label.textContent = control.label || control.name;
  const note = make("div", "cu-note");
  const message = make("div", "cu-message", { role: "status" });
  return { el, label, note, message };
}

function showNote(parts, control) {
  parts.note.textContent = control.note || "";
  parts.note.hidden = !control.note;
  parts.el.classList.toggle("is-disabled", !!control.disabled);
}

function say(parts, text) {
  parts.message.textContent = text || "";
  parts.message.hidden = !text;
}

function intControl(view, control) {
  const parts = controlShell(view, control);
  const range = make("input", "cu-range", { type: "range", id: controlId(view, control.name) });
  const box = make("input", "cu-box", {
    type: "number", "aria-label": view.t("{label} (box)", { label: control.label || control.name }),
  });
  const row = make("div", "cu-row");
  row.append(range, box);
  parts.el.append(parts.label, row, parts.note, parts.message);
  let current = control;
  const send = (value) => {
    say(parts, "");
    box.removeAttribute("aria-invalid");
    view.change(current.name, value);
  };
  range.addEventListener("input", () => {
    box.value = range.value;
    send(Number(range.value));
  });
  const commit = () => {
    const value = parseNumber(box.value);
    if (value === null || !Number.isInteger(value)) {
      box.setAttribute("aria-invalid", "true");
      say(parts, view.t("{label}: write a whole number {range}",
        { label: current.label || current.name, range: rangeText(view, current) }));
      return;
    }
    if (outOfRange(current, value)) {
      box.setAttribute("aria-invalid", "true");
      say(parts, view.t("{label} must be {range} here, got {value}",
        { label: current.label || current.name, range: rangeText(view, current), value }));
      return;
    }
    range.value = String(value);
    send(value);
  };
  box.addEventListener("change", commit);
  box.addEventListener("keydown", (event) => { if (event.key === "Enter") commit(); });
  return {
    el: parts.el,
    focusTarget: range,
    update(next, value) {
      current = next;
      for (const input of [range, box]) {
        input.min = next.min ?? "";
        input.max = next.max ?? "";
        input.step = next.step ?? 1;
        input.disabled = !!next.disabled;
      }
      range.value = String(value);
      if (document.activeElement !== box || !box.hasAttribute("aria-invalid")) box.value = String(value);
      range.setAttribute("aria-valuetext", String(value));
      showNote(parts, next);
    },
  };
}

function numberControl(view, control) {
  const parts = controlShell(view, control);
  const box = make("input", "cu-box cu-number", {
    type: "text", inputmode: "decimal", id: controlId(view, control.name), spellcheck: "false", autocomplete: "off",
  });
  parts.el.append(parts.label, box, parts.note, parts.message);
  let current = control;
  let shown = control.value;
  const commit = () => {
    const value = parseNumber(box.value);
    const name = current.label || current.name;
    if (value === null) {
      box.setAttribute("aria-invalid", "true");
      say(parts, view.t("“{text}” is not a number: write e.g. 1000, 1,000 or 1e3", { text: box.value }));
      return;
    }
    if (outOfRange(current, value)) {
      box.setAttribute("aria-invalid", "true");
      say(parts, view.t("{label} must be {range} here, got {value}",
        { label: name, range: rangeText(view, current), value: formatNumber(value) }));
      return;
    }
    box.removeAttribute("aria-invalid");
    say(parts, "");
    if (value !== shown) {
      shown = value;
      view.change(current.name, value);
    }
    box.value = boxNumber(value);
  };
  box.addEventListener("change", commit);
  box.addEventListener("keydown", (event) => { if (event.key === "Enter") commit(); });
  return {
    el: parts.el,
    focusTarget: box,
    update(next, value) {
      current = next;
      box.disabled = !!next.disabled;
      shown = value;
      if (document.activeElement !== box) {
        box.value = boxNumber(value);
        box.removeAttribute("aria-invalid");
        say(parts, "");
      }
      showNote(parts, next);
    },
  };
}

function choiceControl(view, control) {
  const parts = controlShell(view, control);
  const options = control.options || [];
  let current = control;
  if (options.length > MENU_OVER) {
    const menu = make("select", "cu-menu", { id: controlId(view, control.name) });
    options.forEach(([label], i) => {
      const option = make("option", "", { value: String(i) });
      option.textContent = String(label);
      menu.append(option);
    });
    menu.addEventListener("change", () => view.change(current.name, options[Number(menu.value)][1]));
    parts.el.append(parts.label, menu, parts.note, parts.message);
    return {
      el: parts.el,
      focusTarget: menu,
      update(next, value) {
        current = next;
        menu.disabled = !!next.disabled;
        const index = options.findIndex((option) => sameValue(option[1], value));
        if (index >= 0) menu.value = String(index);
        showNote(parts, next);
      },
    };
  }
  const group = make("div", "cu-choices", { role: "group", id: controlId(view, control.name) });
  parts.label.removeAttribute("for");
  parts.label.id = controlId(view, control.name, "-label");
  group.setAttribute("aria-labelledby", parts.label.id);
  const buttons = options.map(([label, value]) => {
    const button = make("button", "cu-choice", { type: "button", "aria-pressed": "false", "data-value": JSON.stringify(value) });
    button.textContent = String(label);
    button.addEventListener("click", () => {
      buttons.forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
      view.change(current.name, value);
    });
    group.append(button);
    return button;
  });
  parts.el.append(parts.label, group, parts.note, parts.message);
  return {
    el: parts.el,
    focusTarget: buttons[0],
    update(next, value) {
      current = next;
      buttons.forEach((button, i) => {
        button.disabled = !!next.disabled;
        button.setAttribute("aria-pressed", String(sameValue(options[i][1], value)));
      });
      showNote(parts, next);
    },
  };
}

function toggleControl(view, control) {
  const parts = controlShell(view, control);
  const box = make("input", "cu-toggle", { type: "checkbox", id: controlId(view, control.name) });
  parts.label.classList.add("cu-toggle-label");
  parts.label.prepend(box);
  parts.el.append(parts.label, parts.note, parts.message);
  let current = control;
  box.addEventListener("change", () => view.change(current.name, box.checked));
  return {
    el: parts.el,
    focusTarget: box,
    update(next, value) {
      current = next;
      box.disabled = !!next.disabled;
      box.checked = !!value;
      showNote(parts, next);
    },
  };
}

function matrixControl(view, control) {
  const parts = controlShell(view, control);
  const rows = control.rows || 0;
  const cols = control.cols || 0;
  const table = make("div", "cu-matrix", { role: "group", id: controlId(view, control.name) });
  table.style.gridTemplateColumns = `repeat(${cols}, 4.2em)`;
  parts.label.removeAttribute("for");
  parts.label.id = controlId(view, control.name, "-label");
  table.setAttribute("aria-labelledby", parts.label.id);
  let current = control;
  let values = [];
  const boxes = [];
  for (let i = 0; i < rows * cols; i++) {
    const box = make("input", "cu-box cu-matrix-cell", {
      type: "text", inputmode: "decimal", spellcheck: "false", autocomplete: "off", "data-index": i,
      "aria-label": view.t("{label} row {row}, column {col}",
        { label: control.label || control.name, row: Math.floor(i / cols), col: i % cols }),
    });
    box.addEventListener("change", () => {
      const value = parseNumber(box.value);
      if (value === null || outOfRange(current, value)) {
        box.setAttribute("aria-invalid", "true");
        say(parts, value === null ? view.t("“{text}” is not a number: write e.g. 2, -0.5 or 1e3", { text: box.value })
          : view.t("each number must be {range}, got {value}",
            { range: rangeText(view, current), value: formatNumber(value) }));
        return;
      }
      box.removeAttribute("aria-invalid");
      say(parts, "");
      values = values.slice();
      values[i] = value;
      view.change(current.name, values);
    });
    boxes.push(box);
    table.append(box);
  }
  parts.el.append(parts.label, table, parts.note, parts.message);
  return {
    el: parts.el,
    focusTarget: boxes[0],
    update(next, value) {
      current = next;
      values = Array.isArray(value) ? value.slice() : [];
      boxes.forEach((box, i) => {
        box.disabled = !!next.disabled;
        if (document.activeElement !== box || !box.hasAttribute("aria-invalid")) {
          box.value = values[i] === undefined ? "" : formatNumber(values[i]);
          box.removeAttribute("aria-invalid");
        }
      });
      showNote(parts, next);
    },
  };
}

/** Grey levels in [0, 1] of a picture fitted (whole, centred, on black) into cols x rows. */
async function pictureToGrey(file, rows, cols) {
  const bitmap = await createImageBitmap(file);
  let source = bitmap;
  let width = bitmap.width;
  let height = bitmap.height;
  // Halve step by step down to about twice the target: one big reduction would alias.
  const scale = Math.min(cols / width, rows / height);
  const [targetWidth, targetHeight] = [width * scale, height * scale];
  while (width / 2 >= 2 * targetWidth && height / 2 >= 2 * targetHeight) {
    const half = document.createElement("canvas");
    half.width = Math.max(1, Math.round(width / 2));
    half.height = Math.max(1, Math.round(height / 2));
    half.getContext("2d").drawImage(source, 0, 0, half.width, half.height);
    source = half;
    width = half.width;
    height = half.height;
  }
  const canvas = document.createElement("canvas");
  canvas.width = cols;
  canvas.height = rows;
  const context = canvas.getContext("2d");
  context.fillStyle = "#000";
  context.fillRect(0, 0, cols, rows);
  context.imageSmoothingQuality = "high";
  const fit = Math.min(cols / width, rows / height);
  const w = width * fit;
  const h = height * fit;
  context.drawImage(source, (cols - w) / 2, (rows - h) / 2, w, h);
  const data = context.getImageData(0, 0, cols, rows).data;
  const grey = [];
  for (let i = 0; i < rows * cols; i++) {
    const [r, g, b] = [data[4 * i], data[4 * i + 1], data[4 * i + 2]];
    grey.push(Math.round(((0.299 * r + 0.587 * g + 0.114 * b) / 255) * 1000) / 1000);
  }
  if (bitmap.close) bitmap.close();
  return grey;
}

function drawControl(view, control) {
  const parts = controlShell(view, control);
  const rows = control.rows || 1;
  const cols = control.cols || 1;
  const canvas = make("canvas", "cu-canvas", {
    width: cols, height: rows, id: controlId(view, control.name), role: "img",
    "aria-label": view.t("{label}: paint with the mouse or a finger ({rows} × {cols} pixels)",
      { label: control.label || control.name, rows, cols }),
  });
  const side = Math.max(120, Math.min(224, Math.max(rows, cols) * 8));
  canvas.style.width = `${(side * cols) / Math.max(rows, cols)}px`;
  canvas.style.height = `${(side * rows) / Math.max(rows, cols)}px`;
  const clear = make("button", "cu-button", { type: "button", "data-action": "clear" });
  clear.textContent = view.t("clear");
  const invert = make("button", "cu-button", { type: "button", "data-action": "invert" });
  invert.textContent = view.t("invert");
  const fileLabel = make("label", "cu-button cu-file");
  const file = make("input", "", { type: "file", accept: "image/*", "aria-label": view.t("load a picture") });
  fileLabel.append(view.t("load a picture…"), file);
  const tools = make("div", "cu-draw-tools");
  tools.append(clear, invert, fileLabel);
  parts.el.append(parts.label, canvas, tools, parts.note, parts.message);
  let current = control;
  let values = new Array(rows * cols).fill(0);
  const context = canvas.getContext("2d");
  const paint = () => {
    const image = context.createImageData(cols, rows);
    values.forEach((v, i) => {
      const g = Math.round(Math.max(0, Math.min(1, v)) * 255);
      image.data.set([g, g, g, 255], 4 * i);
    });
    context.putImageData(image, 0, 0);
  };
  const send = () => view.change(current.name, values.slice());
  const radius = Math.max(0.7, Math.max(rows, cols) / 14);
  let drawing = false;
  const brush = (event) => {
    const box = canvas.getBoundingClientRect();
    const x = ((event.clientX - box.left) / box.width) * cols;
    const y = ((event.clientY - box.top) / box.height) * rows;
    let changed = false;
    for (let r = Math.floor(y - radius - 1); r <= Math.ceil(y + radius); r++) {
      for (let c = Math.floor(x - radius - 1); c <= Math.ceil(x + radius); c++) {
        if (r < 0 || c < 0 || r >= rows || c >= cols) continue;
        const distance = Math.hypot(c + 0.5 - x, r + 0.5 - y);
        const ink = Math.max(0, Math.min(1, 1.5 - distance / radius));
        const i = r * cols + c;
        if (ink > values[i]) {
          values[i] = Math.round(ink * 1000) / 1000;
          changed = true;
        }
      }
    }
    if (changed) {
      paint();
      send();
    }
  };
  canvas.addEventListener("pointerdown", (event) => {
    if (current.disabled) return;
    drawing = true;
    canvas.setPointerCapture(event.pointerId);
    brush(event);
    event.preventDefault();
  });
  canvas.addEventListener("pointermove", (event) => { if (drawing) brush(event); });
  const stop = () => { drawing = false; };
  canvas.addEventListener("pointerup", stop);
  canvas.addEventListener("pointercancel", stop);
  clear.addEventListener("click", () => {
    values = values.map(() => 0);
    paint();
    send();
  });
  invert.addEventListener("click", () => {
    values = values.map((v) => Math.round((1 - v) * 1000) / 1000);
    paint();
    send();
  });
  file.addEventListener("change", async () => {
    const picked = file.files && file.files[0];
    if (!picked) return;
    try {
      values = await pictureToGrey(picked, rows, cols);
      say(parts, "");
      paint();
      send();
    } catch (error) {
      say(parts, view.t("could not read “{name}” as a picture: try a PNG or JPEG file", { name: picked.name }));
    }
    file.value = "";
  });
  return {
    el: parts.el,
    focusTarget: clear,
    update(next, value) {
      current = next;
      for (const part of [clear, invert, file]) part.disabled = !!next.disabled;
      if (!drawing && Array.isArray(value) && value.length === rows * cols) {
        values = value.slice();
        paint();
      }
      showNote(parts, next);
    },
  };
}

const CONTROL_KINDS = {
  int: intControl,
  number: numberControl,
  choice: choiceControl,
  toggle: toggleControl,
  matrix: matrixControl,
  draw: drawControl,
};

// ---------------------------------------------------------------------------- the explorer
class ExplorerView {
  constructor(model, el) {
    this.model = model;
    this.el = el;
    this.uid = `cu-explorer-${++instances}`;
    this.counter = 0; // the last request number this view used
    this.inflight = null; // the request waiting for its answer
    this.queue = {}; // values changed while a request was in flight
    this.local = {}; // name -> {value, request}: what the student set, until the kernel answers it
    this.lastPing = 0;
    this.timer = null;
    this.dirty = new Set();
    this.controlViews = new Map();
    this.controlSignature = null;
    this.gridViews = new Map();
    this.hover = null;
    this.pinned = null;
    this.pointer = null; // where the pointer last was over the grids, [clientX, clientY]
    this.sceneVersion = 0;
    this.lastSceneSelected = undefined;
    this.playing = null;
    this.build();
    this.listeners = [];
    for (const name of ["controls", "scene", "answered", "selection", "phrases"]) {
      const callback = () => this.schedule(name);
      model.on(`change:${name}`, callback);
      this.listeners.push([`change:${name}`, callback]);
    }
    const onMessage = (message) => this.onMessage(message);
    model.on("msg:custom", onMessage);
    this.listeners.push(["msg:custom", onMessage]);
    this.renderControls();
    this.renderScene();
  }

  /** The front end's phrase `english` in the language in use (the `phrases` trait), filled with `fields`. */
  t(english, fields = {}) {
    return phrase(this.model.get("phrases"), english, fields);
  }

  destroy() {
    for (const [name, callback] of this.listeners) this.model.off(name, callback);
    clearTimeout(this.timer);
    this.stopPlaying();
    this.el.replaceChildren();
  }

  build() {
    const root = (this.root = make("div", "cu-explorer", { "data-explorer": this.model.get("kind") || "" }));
    this.status = make("div", "cu-status", { role: "status", "aria-live": "polite" });
    this.status.hidden = true;
    this.controlsEl = make("div", "cu-controls");
    this.refused = make("div", "cu-refused", { role: "status" });
    this.refused.hidden = true;
    this.errorEl = make("div", "cu-error", { role: "alert" });
    this.errorEl.hidden = true;
    this.textEl = make("div", "cu-text");
    this.panelsEl = make("div", "cu-panels");
    this.player = make("div", "cu-player");
    this.player.hidden = true;
    this.info = make("div", "cu-info", { "aria-live": "polite" });
    this.tableEl = make("table", "cu-table");
    this.tableEl.hidden = true;
    // Controls beside the picture where the notebook is wide enough (no scrolling between a slider and
    // what it changes), above it where it is not: .cu-body wraps.
    const view = make("div", "cu-view");
    view.append(this.refused, this.errorEl, this.textEl, this.panelsEl, this.player, this.info, this.tableEl);
    const body = make("div", "cu-body");
    body.append(this.controlsEl, view);
    root.append(this.status, body, this.patterns());
    this.buildPlayer();
    this.panelsEl.addEventListener("pointerover", (event) => this.onPointer(event));
    this.panelsEl.addEventListener("pointermove", (event) => { this.pointer = [event.clientX, event.clientY]; });
    this.panelsEl.addEventListener("pointerleave", () => {
      this.pointer = null;
      this.setHover(null);
    });
    this.panelsEl.addEventListener("click", (event) => this.onClick(event));
    this.panelsEl.addEventListener("keydown", (event) => this.onKey(event));
    // JupyterLab's command mode binds some of these keys (ArrowLeft/Right fold headings): inside
    // the explorer they belong to the slider, box or grid that has the focus.
    root.addEventListener("keydown", (event) => {
      if (OWN_KEYS.has(event.key) && !event.shiftKey && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.stopPropagation();
      }
    });
    root.addEventListener("pointerenter", () => this.ping());
    root.addEventListener("focusin", () => this.ping());
    this.el.replaceChildren(root);
  }

  /** The hatching of padding and the veils of unread and dropped cells, shared by every grid. */
  patterns() {
    const holder = svg("svg", { width: 0, height: 0, class: "cu-defs", "aria-hidden": "true" });
    const defs = svg("defs");
    const pad = svg("pattern", { id: `${this.uid}-pad`, patternUnits: "userSpaceOnUse", width: 6, height: 6 });
    pad.append(svg("rect", { width: 6, height: 6, class: "cu-pad-fill" }),
      svg("path", { d: "M-1 1l2-2M0 6l6-6M5 7l2-2", class: "cu-pad-line" }));
    const unread = svg("pattern", { id: `${this.uid}-unread`, patternUnits: "userSpaceOnUse", width: 4, height: 4 });
    unread.append(svg("rect", { width: 4, height: 4, class: "cu-unread-fill" }),
      svg("circle", { cx: 2, cy: 2, r: 0.8, class: "cu-unread-dot" }));
    const dropped = svg("pattern", { id: `${this.uid}-dropped`, patternUnits: "userSpaceOnUse", width: 6, height: 6 });
    dropped.append(svg("rect", { width: 6, height: 6, class: "cu-dropped-fill" }),
      svg("path", { d: "M0 0l6 6M6 0l-6 6", class: "cu-dropped-line" }));
    defs.append(pad, unread, dropped);
    holder.append(defs);
    return holder;
  }

  buildPlayer() {
    const button = (action, label) => {
      const b = make("button", "cu-button cu-play-button", { type: "button", "data-action": action, "aria-label": label, title: label });
      b.addEventListener("click", () => this.onPlayer(action));
      return b;
    };
    this.backButton = button("back", this.t("previous cell"));
    this.backButton.append(icon(ICONS.back));
    this.playButton = button("play", this.t("play: walk through the cells"));
    this.forwardButton = button("forward", this.t("next cell"));
    this.forwardButton.append(icon(ICONS.forward));
    this.position = make("span", "cu-position");
    this.player.append(this.backButton, this.playButton, this.forwardButton, this.position);
  }

  /** The player's buttons named again (the phrases changed); the play button is named by updatePlayer. */
  labelPlayer() {
    const labels = [[this.backButton, this.t("previous cell")], [this.forwardButton, this.t("next cell")]];
    for (const [button, label] of labels) {
      button.setAttribute("aria-label", label);
      button.title = label;
    }
  }

  // -- model changes, coalesced: several traits arrive in one message
  schedule(name) {
    this.dirty.add(name);
    if (this.dirty.size > 1) return;
    queueMicrotask(() => {
      const dirty = this.dirty;
      this.dirty = new Set();
      if (dirty.has("answered")) this.onAnswered();
      if (dirty.has("phrases")) this.controlSignature = null; // the controls are built again in the new language
      if (dirty.has("controls") || dirty.has("answered") || dirty.has("phrases")) this.renderControls();
      if (dirty.has("phrases")) this.labelPlayer();
      if (dirty.has("scene") || dirty.has("phrases")) this.renderScene();
      if (dirty.has("selection")) this.onSelectionTrait();
    });
  }

  // -- talking to the kernel
  change(name, value) {
    this.queue[name] = value;
    this.local[name] = { value, request: Infinity };
    this.flush();
  }

  flush() {
    if (this.inflight !== null || Object.keys(this.queue).length === 0) return;
    const values = this.queue;
    this.queue = {};
    const request = this.nextRequest();
    for (const name of Object.keys(values)) this.local[name] = { value: values[name], request };
    this.inflight = request;
    this.send({ type: "set", values, request });
  }

  nextRequest() {
    this.counter = Math.max(this.counter, this.model.get("answered") || 0) + 1;
    this.root.dataset.request = String(this.counter);
    return this.counter;
  }

  send(message) {
    clearTimeout(this.timer);
    try {
      this.model.send(message);
    } catch (error) { // the comm is closed: the kernel went away
      this.setStale(true);
      return;
    }
    this.timer = setTimeout(() => this.checkAnswered(), LIVENESS_MS);
  }

  /** Pointing at the explorer checks, now and then, that a kernel still answers it. */
  ping() {
    const now = Date.now();
    if (this.inflight !== null || now - this.lastPing < PING_EVERY_MS) return;
    this.lastPing = now;
    this.send({ type: "ping", request: this.nextRequest() });
  }

  checkAnswered() {
    if ((this.model.get("answered") || 0) < this.counter) this.setStale(true);
  }

  setStale(stale) {
    this.status.hidden = !stale;
    this.status.textContent = stale ? this.t("The kernel did not answer: it is busy, or it was restarted. " +
      "If it was restarted, run this cell again (Shift+Enter) to bring the explorer back.") : "";
    this.root.classList.toggle("is-stale", stale);
  }

  onAnswered() {
    const answered = this.model.get("answered") || 0;
    this.root.dataset.answered = String(answered);
    if (this.inflight !== null && answered >= this.inflight) this.inflight = null;
    if (answered >= this.counter) {
      clearTimeout(this.timer);
      this.setStale(false);
    }
    for (const [name, local] of Object.entries(this.local)) if (local.request <= answered) delete this.local[name];
    this.flush();
  }

  onMessage(message) {
    if (!message || message.type !== "refused") return;
    this.refused.textContent = message.message || this.t("the kernel refused this value");
    this.refused.hidden = false;
    clearTimeout(this.refusedTimer);
    this.refusedTimer = setTimeout(() => { this.refused.hidden = true; }, 8000);
  }

  // -- controls
  renderControls() {
    const controls = this.model.get("controls") || [];
    const signature = controls.map((c) =>
      [c.name, c.kind, c.group, c.rows, c.cols, c.kind === "choice" ? JSON.stringify(c.options) : ""].join("|")).join(";");
    if (signature !== this.controlSignature) {
      const focused = document.activeElement && this.controlsEl.contains(document.activeElement)
        ? document.activeElement.closest("[data-control]")?.dataset.control : null;
      this.controlSignature = signature;
      this.controlViews.clear();
      const groups = new Map();
      const items = [];
      for (const control of controls) {
        const build = CONTROL_KINDS[control.kind];
        if (!build) continue;
        const controlView = build(this, control);
        this.controlViews.set(control.name, controlView);
        if (control.group) {
          if (!groups.has(control.group)) {
            const group = make("div", "cu-group", { "data-group": control.group, role: "group", "aria-label": control.group });
            groups.set(control.group, group);
            items.push(group);
          }
          groups.get(control.group).append(controlView.el);
        } else {
          items.push(controlView.el);
        }
      }
      this.controlsEl.replaceChildren(...items);
      const refocus = focused && this.controlViews.has(focused) ? this.controlViews.get(focused).focusTarget : null;
      if (refocus) refocus.focus();
    }
    for (const control of controls) {
      const controlView = this.controlViews.get(control.name);
      if (!controlView) continue;
      const local = this.local[control.name];
      controlView.update(control, local ? local.value : control.value);
    }
  }

  // -- the scene
  renderScene() {
    const scene = this.model.get("scene") || {};
    this.scene = scene;
    this.sceneVersion += 1;
    this.root.dataset.sceneVersion = String(this.sceneVersion);
    this.textEl.innerHTML = scene.text || "";
    this.errorEl.textContent = scene.error || "";
    this.errorEl.hidden = !scene.error;
    this.renderGrids(scene);
    this.renderTable(scene.table);
    this.indexLinks(scene);
    const sweep = scene.sweep && this.gridViews.get(scene.sweep);
    this.player.hidden = !sweep;
    if (!sweep) this.stopPlaying();

    // The explorer's pick when it is new, else the student's pin where it still fits.
    const picked = scene.selected || null;
    const previous = this.pinned;
    this.pinned = null;
    if (!sameValue(picked, this.lastSceneSelected) && this.valid(picked)) {
      this.pinned = { grid: picked[0], cell: picked[1] };
    } else if (previous && this.gridViews.has(previous.grid)) {
      this.pinned = this.remap(previous);
    }
    this.lastSceneSelected = picked;
    // The cell now under the pointer (the grids were redrawn beneath it).
    const under = this.pointer ? document.elementFromPoint(this.pointer[0], this.pointer[1]) : null;
    this.hover = under && this.panelsEl.contains(under) ? this.cellOf(under) : null;
    this.syncSelection();
    this.highlight();
  }

  valid(pick) {
    if (!Array.isArray(pick) || pick.length !== 2) return false;
    const gridView = this.gridViews.get(pick[0]);
    return !!gridView && Number.isInteger(pick[1]) && pick[1] >= 0 && pick[1] < gridView.count;
  }

  /** The same row and column in the redrawn grid (clamped when it shrank). */
  remap(pick) {
    const old = this.oldShapes && this.oldShapes.get(pick.grid);
    const gridView = this.gridViews.get(pick.grid);
    if (!old) return this.valid([pick.grid, pick.cell]) ? pick : null;
    const row = Math.min(Math.floor(pick.cell / old.cols), gridView.grid.rows - 1);
    const col = Math.min(pick.cell % old.cols, gridView.grid.cols - 1);
    return { grid: pick.grid, cell: row * gridView.grid.cols + col };
  }

  renderGrids(scene) {
    this.oldShapes = new Map([...this.gridViews].map(([id, v]) => [id, { rows: v.grid.rows, cols: v.grid.cols }]));
    const focusedGrid = document.activeElement && document.activeElement.closest
      ? document.activeElement.closest(".cu-grid-svg")?.dataset.grid : null;
    this.gridViews = new Map();
    const panels = [];
    const named = new Map();
    for (const grid of scene.grids || []) {
      const gridView = new GridView(this, grid, this.overhang(grid, scene.links || []));
      this.gridViews.set(grid.id, gridView);
      if (grid.panel && named.has(grid.panel)) {
        named.get(grid.panel).append(gridView.figure);
        continue;
      }
      const panel = make("div", "cu-panel", { "data-panel": grid.panel || grid.id });
      panel.append(gridView.figure);
      panels.push(panel);
      if (grid.panel) named.set(grid.panel, panel);
    }
    this.panelsEl.replaceChildren(...panels);
    if (focusedGrid && this.gridViews.has(focusedGrid)) this.gridViews.get(focusedGrid).svg.focus();
  }

  /** Cells that field rectangles reach past the grid [top, left, bottom, right], at most 4. */
  overhang(grid, links) {
    const reach = [0, 0, 0, 0];
    for (const link of links) {
      if (link.op !== "field" || link.source !== grid.id) continue;
      for (const [top, left, bottom, right] of link.rects || []) {
        reach[0] = Math.max(reach[0], (grid.row0 || 0) - top);
        reach[1] = Math.max(reach[1], (grid.col0 || 0) - left);
        reach[2] = Math.max(reach[2], bottom - ((grid.row0 || 0) + grid.rows - 1));
        reach[3] = Math.max(reach[3], right - ((grid.col0 || 0) + grid.cols - 1));
      }
    }
    return reach.map((v) => Math.min(Math.max(v, 0), 4));
  }

  renderTable(rows) {
    this.tableEl.replaceChildren();
    this.tableEl.hidden = !(rows && rows.length);
    if (!rows || !rows.length) return;
    const head = make("thead");
    const body = make("tbody");
    rows.forEach((row, r) => {
      const tr = make("tr");
      for (const cell of row) {
        const td = make(r === 0 ? "th" : "td");
        td.textContent = String(cell);
        if (r > 0 && NUMERIC.test(td.textContent)) td.classList.add("is-number");
        tr.append(td);
      }
      (r === 0 ? head : body).append(tr);
    });
    this.tableEl.append(head, body);
  }

  indexLinks(scene) {
    this.links = (scene.links || []).filter((l) => this.gridViews.has(l.source) && this.gridViews.has(l.target));
    // readers[link index][source cell] = the target cells that read it
    this.readers = this.links.map((link) => {
      const source = this.gridViews.get(link.source);
      const target = this.gridViews.get(link.target);
      const readers = Array.from({ length: source.count }, () => []);
      if (link.op === "field") {
        (link.rects || []).forEach((rect, t) => { for (const c of source.cellsIn(rect)) readers[c].push(t); });
      } else {
        (link.reads || []).forEach((cells, t) => {
          if (t >= target.count) return;
          for (const c of new Set(cells)) if (c >= 0 && c < source.count) readers[c].push(t);
        });
      }
      return readers;
    });
  }

  // -- pointing
  cellOf(node) {
    const rect = node && node.closest ? node.closest("rect.cu-cell") : null;
    return rect ? { grid: rect.dataset.grid, cell: Number(rect.dataset.cell) } : null;
  }

  onPointer(event) {
    this.pointer = [event.clientX, event.clientY];
    const pick = this.cellOf(event.target);
    if (pick) this.setHover(pick);
  }

  setHover(pick) {
    if (sameValue(pick, this.hover)) return;
    this.hover = pick;
    this.highlight();
  }

  onClick(event) {
    const pick = this.cellOf(event.target);
    if (!pick) return;
    this.stopPlaying();
    this.pin(sameValue(pick, this.pinned) ? null : pick);
  }

  onKey(event) {
    const svgNode = event.target.closest && event.target.closest(".cu-grid-svg");
    if (!svgNode) return;
    const gridView = this.gridViews.get(svgNode.dataset.grid);
    if (!gridView) return;
    const { rows, cols } = gridView.grid;
    if (event.key === "Escape") {
      this.pin(null);
      event.preventDefault();
      return;
    }
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const here = this.pinned && this.pinned.grid === gridView.grid.id ? this.pinned.cell : null;
    let cell;
    if (event.key in moves) {
      if (here === null) {
        cell = 0;
      } else {
        const [dr, dc] = moves[event.key];
        const row = Math.max(0, Math.min(rows - 1, Math.floor(here / cols) + dr));
        const col = Math.max(0, Math.min(cols - 1, (here % cols) + dc));
        cell = row * cols + col;
      }
    } else if (event.key === "Home") {
      cell = 0;
    } else if (event.key === "End") {
      cell = gridView.count - 1;
    } else if ((event.key === "Enter" || event.key === " ") && here === null) {
      cell = 0;
    } else {
      return;
    }
    event.preventDefault();
    this.stopPlaying();
    this.hover = null;
    this.pin({ grid: gridView.grid.id, cell });
  }

  pin(pick) {
    this.pinned = pick;
    this.syncSelection();
    this.highlight();
  }

  syncSelection() {
    const value = this.pinned ? [this.pinned.grid, this.pinned.cell] : [];
    if (sameValue(value, this.model.get("selection") || [])) return;
    try {
      this.model.set("selection", value);
      this.model.save_changes();
    } catch (error) {
      this.setStale(true);
    }
  }

  onSelectionTrait() {
    const value = this.model.get("selection") || [];
    const pick = this.valid(value) ? { grid: value[0], cell: value[1] } : null;
    if (!sameValue(pick, this.pinned)) {
      this.pinned = pick;
      this.highlight();
    }
  }

  /** Everything `pick` lights: reads and taps (following links back), readers, field rectangles
   * and the cells inside them (`areas`, drawn as one tint rather than cell by cell). */
  lit(pick) {
    const reads = new Map();
    const areas = new Map();
    const taps = new Map();
    const readers = new Map();
    const rects = new Map();
    const add = (map, id, cells) => {
      if (!map.has(id)) map.set(id, new Set());
      for (const c of cells) map.get(id).add(c);
    };
    if (!pick) return { reads, areas, taps, readers, rects };
    const seen = new Set([`${pick.grid}:${pick.cell}`]);
    const todo = [[pick.grid, [pick.cell]]];
    while (todo.length) {
      const [target, cells] = todo.pop();
      for (const link of this.links) {
        if (link.target !== target) continue;
        const source = this.gridViews.get(link.source);
        const reached = [];
        for (const c of cells) {
          if (link.op === "field") {
            const rect = link.rects && link.rects[c];
            if (!rect) continue;
            if (!rects.has(link.source)) rects.set(link.source, []);
            rects.get(link.source).push(rect);
            const inside = source.cellsIn(rect);
            add(areas, link.source, inside);
            reached.push(...inside);
            continue;
          }
          const read = (link.reads && link.reads[c]) || [];
          reached.push(...read.filter((x) => x >= 0 && x < source.count));
          if (link.weights && link.taps && link.taps[c] && this.gridViews.has(link.weights)) add(taps, link.weights, link.taps[c]);
        }
        add(reads, link.source, reached);
        const fresh = reached.filter((c) => !seen.has(`${link.source}:${c}`));
        fresh.forEach((c) => seen.add(`${link.source}:${c}`));
        if (fresh.length) todo.push([link.source, fresh]);
      }
    }
    this.links.forEach((link, k) => {
      if (link.source === pick.grid) add(readers, link.target, this.readers[k][pick.cell] || []);
    });
    return { reads, areas, taps, readers, rects };
  }

  highlight() {
    const active = this.hover || this.pinned;
    const { reads, areas, taps, readers, rects } = this.lit(active);
    for (const el of this.classed || []) el.classList.remove("is-read", "is-tap", "is-reader", "is-hover", "is-selected");
    this.classed = [];
    const mark = (id, cells, name) => {
      const gridView = this.gridViews.get(id);
      if (!gridView) return;
      for (const c of cells) {
        const el = gridView.cells[c];
        if (!el) continue;
        el.classList.add(name);
        this.classed.push(el);
      }
    };
    for (const [id, gridView] of this.gridViews) {
      const area = areas.get(id);
      const read = reads.get(id);
      gridView.setMark("area", area);
      gridView.setMark("read", area && read ? new Set([...read].filter((c) => !area.has(c))) : read);
      gridView.setMark("tap", taps.get(id));
      gridView.setMark("reader", readers.get(id));
      const hovered = this.hover && this.hover.grid === id ? new Set([this.hover.cell]) : null;
      const pinned = this.pinned && this.pinned.grid === id ? new Set([this.pinned.cell]) : null;
      gridView.setMark("hover", hovered);
      gridView.setMark("halo", pinned); // a light edge, so the outline shows on dark cells too
      gridView.setMark("selected", pinned);
      gridView.setFields(rects.get(id) || []);
      if (reads.has(id)) mark(id, reads.get(id), "is-read");
      if (taps.has(id)) mark(id, taps.get(id), "is-tap");
      if (readers.has(id)) mark(id, readers.get(id), "is-reader");
      if (hovered) mark(id, hovered, "is-hover");
      if (pinned) mark(id, pinned, "is-selected");
    }
    this.writeInfo(active);
    this.updatePlayer();
  }

  // -- the info line: the computation with its numbers
  writeInfo(pick) {
    this.info.replaceChildren();
    if (!pick) {
      if (this.links && this.links.length) {
        const hint = make("div", "cu-hint");
        hint.textContent = this.t("Point at a cell to see what it reads; click to keep it, arrow keys to move it.");
        this.info.append(hint);
      }
      return;
    }
    const lines = this.describe(pick);
    for (const text of lines) {
      const line = make("div", "cu-info-line");
      line.textContent = text;
      this.info.append(line);
    }
  }

  describe(pick) {
    const gridView = this.gridViews.get(pick.grid);
    if (!gridView) return [];
    const here = this.t("{title}, cell {where}", { title: gridView.grid.title, where: gridView.where(pick.cell) });
    const lines = [];
    for (const link of this.links) {
      if (link.target === pick.grid) lines.push(this.computation(link, gridView, pick.cell, here));
    }
    this.links.forEach((link, k) => {
      if (link.source !== pick.grid) return;
      const target = this.gridViews.get(link.target);
      const who = (this.readers[k][pick.cell] || []).map((t) => target.where(t));
      const value = gridView.value(pick.cell);
      const kind = gridView.kinds[pick.cell];
      const what = kind === "pad" ? this.t(" (padding)") : kind === "dropped" ? this.t(" (dropped)")
        : kind === "unread" ? this.t(" (unread)") : "";
      const shown = value === undefined ? "" : ` = ${formatNumber(value)}`;
      const fields = { here, value: shown, kind: what, title: target.grid.title, cells: listText(this, who) };
      if (!who.length) lines.push(this.t("{here}{value}{kind}: no cell of {title} reads it", fields));
      else if (who.length === 1) lines.push(this.t("{here}{value}{kind} is read by {title}, cell {cells}", fields));
      else lines.push(this.t("{here}{value}{kind} is read by {title}, cells {cells}", fields));
    });
    if (!lines.length) {
      const value = gridView.value(pick.cell);
      lines.push(value === undefined ? here : `${here} = ${formatNumber(value)}`);
    }
    return lines;
  }

  computation(link, targetView, cell, here) {
    const source = this.gridViews.get(link.source);
    if (link.op === "field") {
      const rect = link.rects && link.rects[cell];
      if (!rect) return this.t("{here}: no field", { here });
      const [top, left, bottom, right] = rect;
      const { grid } = source;
      const r0 = grid.row0 || 0;
      const c0 = grid.col0 || 0;
      const outside = top < r0 || left < c0 || bottom > r0 + grid.rows - 1 || right > c0 + grid.cols - 1;
      return this.t("{here} sees {title}, rows {top}…{bottom}, columns {left}…{right}: a {height}×{width} field",
        { here, title: grid.title, top, bottom, left, right, height: bottom - top + 1, width: right - left + 1 }) +
        (outside ? this.t(" (dashed: the part beyond the grid)") : "");
    }
    const read = (link.reads && link.reads[cell]) || [];
    const inputs = read.map((c) => source.value(c) ?? 0);
    const shown = targetView.value(cell);
    let result;
    let terms;
    if (link.op === "max") {
      result = inputs.reduce((m, v) => Math.max(m, v), -Infinity);
      return `${here} = max(${this.elide(inputs.map(formatNumber), ", ")}) = ${formatNumber(result)}` + this.differs(result, shown);
    }
    if (link.op === "mean") {
      const divisor = (link.divisors && link.divisors[cell]) || inputs.length || 1;
      result = inputs.reduce((a, b) => a + b, 0) / divisor;
      return `${here} = (${this.elide(inputs.map(formatNumber), " + ")}) / ${divisor} = ${formatNumber(result)}` +
        this.differs(result, shown);
    }
    const weights = link.weights && this.gridViews.get(link.weights);
    const taps = (link.taps && link.taps[cell]) || [];
    if (weights) {
      const w = taps.map((t) => weights.value(t) ?? 0);
      terms = inputs.map((x, i) => `${factor(x)}·${factor(w[i] ?? 0)}`);
      result = inputs.reduce((a, x, i) => a + x * (w[i] ?? 0), 0);
    } else {
      terms = inputs.map(factor);
      result = inputs.reduce((a, b) => a + b, 0);
    }
    return `${here} = ${this.elide(terms, " + ")} = ${formatNumber(result)}` + this.differs(result, shown);
  }

  elide(items, joint) {
    if (items.length <= MAX_TERMS) return items.join(joint);
    const shown = `${items.slice(0, 12).join(joint)}${joint}…${joint}${items.slice(-3).join(joint)}`;
    return this.t("{shown} ({count} terms)", { shown, count: items.length });
  }

  /** When the cell shows another number (a bias, say), the text says so rather than hiding it. */
  differs(result, shown) {
    if (typeof shown !== "number") return "";
    const close = Math.abs(result - shown) <= 1e-9 * Math.max(1, Math.abs(result), Math.abs(shown));
    return close ? "" : this.t("; the cell shows {value}", { value: formatNumber(shown) });
  }

  // -- the sweep
  sweepView() {
    return this.scene && this.scene.sweep ? this.gridViews.get(this.scene.sweep) : null;
  }

  onPlayer(action) {
    const gridView = this.sweepView();
    if (!gridView) return;
    const at = this.pinned && this.pinned.grid === gridView.grid.id ? this.pinned.cell : -1;
    if (action === "play") {
      if (this.playing) {
        this.stopPlaying();
        return;
      }
      if (at >= gridView.count - 1) this.pinned = null; // at the end: start again from the first cell
      this.step(gridView, 1);
      this.playing = setInterval(() => {
        const view = this.sweepView();
        const now = view && this.pinned && this.pinned.grid === view.grid.id ? this.pinned.cell : -1;
        if (!view || now >= view.count - 1) {
          this.stopPlaying();
          return;
        }
        this.step(view, 1);
      }, PLAY_MS);
      this.updatePlayer();
      return;
    }
    this.stopPlaying();
    this.step(gridView, action === "back" ? -1 : 1);
  }

  step(gridView, by) {
    const at = this.pinned && this.pinned.grid === gridView.grid.id ? this.pinned.cell : -1;
    const cell = Math.max(0, Math.min(gridView.count - 1, at + by));
    this.hover = null;
    this.pin({ grid: gridView.grid.id, cell });
  }

  stopPlaying() {
    if (this.playing) clearInterval(this.playing);
    this.playing = null;
    if (this.playButton) this.updatePlayer();
  }

  updatePlayer() {
    const gridView = this.sweepView();
    this.playButton.replaceChildren(icon(this.playing ? ICONS.pause : ICONS.play));
    this.playButton.setAttribute("aria-label", this.playing ? this.t("pause") : this.t("play: walk through the cells"));
    this.playButton.setAttribute("aria-pressed", String(!!this.playing));
    if (!gridView) return;
    const at = this.pinned && this.pinned.grid === gridView.grid.id ? this.pinned.cell : -1;
    const title = gridView.grid.title;
    if (at >= 0) {
      this.position.textContent = this.t("{title}: cell {where}, {number} of {count}",
        { title, where: gridView.where(at), number: at + 1, count: gridView.count });
    } else {
      this.position.textContent = gridView.count === 1 ? this.t("{title}: 1 cell", { title })
        : this.t("{title}: {count} cells", { title, count: gridView.count });
    }
    this.backButton.disabled = at <= 0;
    this.forwardButton.disabled = at >= gridView.count - 1;
  }
}

function render({ model, el }) {
  const view = new ExplorerView(model, el);
  return () => view.destroy();
}

export default { render };
