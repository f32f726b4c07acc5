import type { Page } from 'playwright-core';

/** What the page shows of the chosen run, in each of the places that show it. */
export interface Shown {
  bar: string;
  barValue: number;
  panel: string | undefined;
  list: string | undefined;
  panelStatus: string | undefined;
  listStatus: string | undefined;
  pill: string | undefined;
}

/** Reads every place that shows the chosen run's progress and status, in one go. */
function readShown(): Shown {
  const item = document.querySelector<HTMLElement>('#runs button[aria-current="true"]');
  const field = (name: string) => document.querySelector(`#state dd[data-field="${name}"]`)?.textContent;
  return {
    bar: document.querySelector('#percent')!.textContent!,
    barValue: document.querySelector<HTMLProgressElement>('#progress')!.value,
    panel: field('percent'),
    list: item?.dataset.percent,
    panelStatus: field('status'),
    listStatus: item?.dataset.status,
    pill: document.querySelector<HTMLElement>('#connection')?.dataset.state,
  };
}

/**
 * Watches the page from its first script on: after every DOM change it compares the progress bar, the state
 * panel, the run list and the pill, and records each disagreement in `window.disagreements`.
 */
export async function watchAgreement(page: Page): Promise<void> {
  await page.addInitScript(`(() => {
    const readShown = ${readShown.toString()};
    window.disagreements = [];
    window.checks = 0;
    const check = () => {
      if (document.querySelector('#run')?.hidden !== false) return;
      const shown = readShown();
      window.checks++;
      const percent = shown.panel === '–' ? 0 : Number.parseFloat(shown.panel);
      const pillFits =
        (shown.pill !== 'live' || ['starting', 'running', 'waiting'].includes(shown.panelStatus)) &&
        (shown.pill !== 'finished' || ['completed', 'cancelled', 'failed'].includes(shown.panelStatus)) &&
        (shown.pill !== 'lost' || shown.panelStatus === 'lost');
      const agree =
        shown.bar === shown.panel && shown.panel === shown.list && shown.barValue === percent &&
        shown.panelStatus === shown.listStatus && pillFits;
      if (!agree) window.disagreements.push(shown);
    };
    document.addEventListener('DOMContentLoaded', () =>
      new MutationObserver(check).observe(document.body, {
        subtree: true, childList: true, characterData: true, attributes: true,
      }),
    );
  })();`);
}

/** The disagreements recorded so far, and how many times the page was checked. */
export function agreement(page: Page): Promise<{ disagreements: Shown[]; checks: number }> {
  return page.evaluate(() => {
    const w = window as unknown as { disagreements: Shown[]; checks: number };
    return { disagreements: w.disagreements, checks: w.checks };
  });
}

/** What the page shows now. */
export function shown(page: Page): Promise<Shown> {
  return page.evaluate(readShown);
}
