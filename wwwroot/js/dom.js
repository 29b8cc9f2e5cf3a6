// Small DOM helpers. Text goes in through textContent only: device data never becomes markup.
export const byId = (id) => document.getElementById(id);

/** Creates an element with an optional class and text. */
export function el(tag, className, text) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined && text !== null) element.textContent = text;
  return element;
}

/** Sets text only when it changed, so unchanged cells cost no layout. */
export function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}

export function setHidden(element, hidden) {
  if (element.hidden !== hidden) element.hidden = hidden;
}

/** Runs fn at most once per animation frame, however often it is asked for. */
export function perFrame(fn) {
  let pending = false;
  return () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      fn();
    });
  };
}

const SVG = 'http://www.w3.org/2000/svg';

/** A closed padlock (an SVG built from elements, not markup), marking a TLS connection. */
export function lockIcon(className) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', className);
  const body = document.createElementNS(SVG, 'rect');
  for (const [name, value] of [['x', '3'], ['y', '7'], ['width', '10'], ['height', '7.5'], ['rx', '1.6']]) body.setAttribute(name, value);
  const shackle = document.createElementNS(SVG, 'path');
  shackle.setAttribute('d', 'M5.2 7V5a2.8 2.8 0 0 1 5.6 0v2');
  svg.append(shackle, body);
  return svg;
}
