import type { Frame, Page } from "playwright-core";

/** Runs a command from the palette, as a user would: F1, type, Enter. */
export async function runFromPalette(page: Page, title: string): Promise<void> {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible" });
  await input.fill(`>${title}`);
  await page.locator(".quick-input-list .monaco-list-row").first().waitFor({ state: "visible" });
  await page.keyboard.press("Enter");
}

/** Picks an item in an open quick pick by its label. */
export async function pickQuickItem(page: Page, label: string): Promise<void> {
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible" });
  await input.fill(label);
  await page.locator(".quick-input-list .monaco-list-row", { hasText: label }).first().click();
}

/**
 * The frame of a webview that contains `selector`, whose text includes `hasText` when given
 * (webviews are nested iframes in VS Code; one just closed may linger for a moment).
 */
export async function webviewFrame(page: Page, selector: string, timeoutMs = 30_000, hasText?: string): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      const found = await frame.$(selector).catch(() => null);
      if (found && (hasText === undefined || (await found.innerText().catch(() => "")).includes(hasText))) return frame;
    }
    if (Date.now() > deadline) throw new Error(`no webview with ${selector} appeared within ${timeoutMs} ms`);
    await page.waitForTimeout(250);
  }
}

/** The texts of the log lines the invoke panel shows. */
export function panelLogLines(panel: Frame): Promise<string[]> {
  return panel.locator("#log-lines .log-line .log-text").allInnerTexts();
}
