import type { KeyboardEvent } from "react";

/**
 * Keys of a table row (or a tree item) that make a list usable without a mouse: ArrowDown / j and ArrowUp / k move to
 * the next and previous item, Home and End to the first and last, Enter opens the focused one. Keys pressed inside a
 * control of the row (a checkbox, a link) are that control's.
 */
export function onItemKeys(e: KeyboardEvent<HTMLElement>, open: () => void) {
  if (e.target !== e.currentTarget) return;
  const item = e.currentTarget;
  const go = (next: Element | null | undefined) => {
    if (!(next instanceof HTMLElement)) return;
    e.preventDefault();
    next.focus();
  };
  switch (e.key) {
    case "Enter": e.preventDefault(); open(); break;
    case "ArrowDown": case "j": go(item.nextElementSibling); break;
    case "ArrowUp": case "k": go(item.previousElementSibling); break;
    case "Home": go(item.parentElement?.firstElementChild); break;
    case "End": go(item.parentElement?.lastElementChild); break;
  }
}
