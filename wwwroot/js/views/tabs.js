// The sessions card's tabs (live sessions, recently closed, audit log): one selected at a time, with
// arrow keys between them. Views that draw lazily ask to hear when their tab is shown.
import { byId } from '../dom.js';

const shownListeners = new Map();
let tabs = [];
let selectedId = 'tab-live';

export function initTabs() {
  tabs = [...document.querySelectorAll('.sessions .tabs [role="tab"]')];
  for (const tab of tabs) {
    tab.tabIndex = tab.id === selectedId ? 0 : -1;
    tab.addEventListener('click', () => selectTab(tab.id));
    tab.addEventListener('keydown', onKey);
  }
}

/** Calls fn each time the tab with this id is selected. */
export function onTabShown(tabId, fn) {
  if (!shownListeners.has(tabId)) shownListeners.set(tabId, []);
  shownListeners.get(tabId).push(fn);
}

export const isTabShown = (tabId) => selectedId === tabId;

export function selectTab(tabId) {
  for (const tab of tabs) {
    const selected = tab.id === tabId;
    tab.setAttribute('aria-selected', String(selected));
    tab.tabIndex = selected ? 0 : -1;
    byId(tab.getAttribute('aria-controls')).hidden = !selected;
  }

  selectedId = tabId;
  for (const fn of shownListeners.get(tabId) ?? []) fn();
}

function onKey(event) {
  if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
  const offered = tabs.filter((tab) => !tab.hidden);
  const at = offered.findIndex((tab) => tab.id === event.currentTarget.id);
  const next = offered[(at + (event.key === 'ArrowRight' ? 1 : offered.length - 1)) % offered.length];
  event.preventDefault();
  selectTab(next.id);
  next.focus();
}
