// What is wrong with the focus indicator of the focused element, or null if nothing is.
// Evaluated by tests/browser/conftest.py:assert_focus_visible after each key press.
//
// Checked: something has focus; it is on screen and not covered; no mask or opacity fades
// it; it draws an outline (or a box shadow); an outline is not cut off by a scrolling or
// clipping ancestor; and it contrasts at least 3:1 with what it is drawn on (WCAG 1.4.11).
() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return "nothing has focus";
  const name = el.tagName.toLowerCase() + (el.id ? `#${el.id}` : "") +
    (el.getAttribute("href") ? `[href="${el.getAttribute("href")}"]` : "") +
    (el.name ? `[name="${el.name}"]` : "");
  const describe = (box) => box.tagName.toLowerCase() + (box.className ? `.${box.className}` : "");
  const style = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  if (rect.width === 0 || rect.height === 0) return `${name} has no size on screen`;
  if (rect.bottom <= 0 || rect.right <= 0 || rect.top >= innerHeight || rect.left >= innerWidth) {
    return `${name} is outside the window`;
  }
  // A link that wraps onto two lines: test the middle of its first line.
  const line = el.getClientRects()[0];
  const x = Math.min(Math.max(line.left + line.width / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(line.top + line.height / 2, 0), innerHeight - 1);
  const top = document.elementFromPoint(x, y);
  const labelled = el.labels && [...el.labels].some((label) => label.contains(top));
  if (top && top !== el && !el.contains(top) && !labelled) {
    return `${name} is covered by ${describe(top)}`;
  }
  for (let box = el; box; box = box.parentElement) {
    const s = getComputedStyle(box);
    if (s.maskImage && s.maskImage !== "none") return `${name} is faded by the mask of ${describe(box)}`;
    if (parseFloat(s.opacity) < 1) return `${name} is see-through (opacity of ${describe(box)})`;
  }
  const width = parseFloat(style.outlineWidth) || 0;
  if (style.outlineStyle === "none" || width === 0) {
    return style.boxShadow !== "none" ? null : `${name} shows no outline or box shadow`;
  }
  const reach = (parseFloat(style.outlineOffset) || 0) + width;  // beyond the border box
  const ring = {
    left: rect.left - reach, right: rect.right + reach, top: rect.top - reach, bottom: rect.bottom + reach,
  };
  for (let box = el.parentElement; box && box !== document.documentElement; box = box.parentElement) {
    const s = getComputedStyle(box);
    const clipsX = s.overflowX !== "visible", clipsY = s.overflowY !== "visible";
    if (!clipsX && !clipsY) continue;
    const r = box.getBoundingClientRect();
    if ((clipsX && (ring.left < r.left - 0.5 || ring.right > r.right + 0.5)) ||
        (clipsY && (ring.top < r.top - 0.5 || ring.bottom > r.bottom + 0.5))) {
      return `${name}: its focus ring is cut off by ${describe(box)}`;
    }
  }
  const rgb = (text) => (text.match(/[\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => {
    const [R, G, B] = [r, g, b].map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * R + 0.7152 * G + 0.0722 * B;
  };
  // An inset ring is drawn on the element itself, any other on what lies behind it.
  let background = [255, 255, 255];
  for (let box = reach <= 0 ? el : el.parentElement; box; box = box.parentElement) {
    const c = rgb(getComputedStyle(box).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) {
      background = c.slice(0, 3);
      break;
    }
  }
  const [hi, lo] = [luminance(rgb(style.outlineColor)), luminance(background)].sort((a, b) => b - a);
  const ratio = (hi + 0.05) / (lo + 0.05);
  if (ratio < 3) return `${name}: its focus ring contrasts ${ratio.toFixed(2)}:1 with rgb(${background})`;
  return null;
}
