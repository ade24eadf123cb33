// Small line icons as SVG: emoji would depend on the visitor having a colour-emoji font.
const PATHS = {
  up: 'M7 10v10H4V10zm2 10h8.2a2 2 0 0 0 2-1.6l1.3-6A2 2 0 0 0 18.5 10H14l.8-4a1.6 1.6 0 0 0-3-1L9 10z',
  down: 'M7 14V4H4v10zm2-10h8.2a2 2 0 0 1 2 1.6l1.3 6a2 2 0 0 1-2 2.4H14l.8 4a1.6 1.6 0 0 1-3 1L9 14z',
  clip: 'M16.5 6.5 8.9 14.1a1.8 1.8 0 0 0 2.5 2.5l7.7-7.6a3.5 3.5 0 0 0-5-5l-7.8 7.8a5.2 5.2 0 0 0 7.4 7.4l6.6-6.6',
} as const;

export function icon(name: keyof typeof PATHS): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '18');
  svg.setAttribute('height', '18');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', PATHS[name]);
  path.setAttribute('fill', 'none');
  path.setAttribute('stroke', 'currentColor');
  path.setAttribute('stroke-width', '1.8');
  path.setAttribute('stroke-linejoin', 'round');
  path.setAttribute('stroke-linecap', 'round');
  svg.append(path);
  return svg;
}
