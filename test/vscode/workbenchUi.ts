import { join } from "node:path";
import type { Frame, Page } from "playwright-core";
import { ARTIFACTS } from "../helpers/paths";

/** Runs a command from the palette, as a user would: F1, type, Enter. */
export async function runFromPalette(page: Page, title: string): Promise<void> {
  const input = page.locator(".quick-input-widget input");
  // A webview that takes focus just then (a panel tab just clicked, still loading) closes the
  // palette as it opens; a person presses F1 again, and so does this, twice at most.
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press("F1");
    try {
      await input.waitFor({ state: "visible", timeout: 10_000 });
      await input.fill(`>${title}`, { timeout: 5_000 });
      break;
    } catch (error) {
      if (attempt === 3) throw error;
      await page.waitForTimeout(500);
    }
  }
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

/** Opens a workspace file by name with Quick Open, as a user would. */
export async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press("Control+P");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible" });
  await input.fill(name);
  await page.locator(".quick-input-list .monaco-list-row", { hasText: name }).first().waitFor({ state: "visible" });
  await page.keyboard.press("Enter");
  await page.locator(".tab .label-name", { hasText: name }).first().waitFor({ state: "visible" });
}

/** True when the element's top edge is inside its webview's visible area (no scrolling needed to see it). */
export function inViewport(frame: Frame, selector: string): Promise<boolean> {
  return frame.locator(selector).evaluate((node) => {
    const { top, bottom } = node.getBoundingClientRect();
    const height = (globalThis as unknown as { innerHeight: number }).innerHeight; // the webview's window
    return top >= 0 && top < height && bottom > 0;
  });
}

/**
 * Deploys HelloPython from the palette while the suite has wrong credentials set, and
 * reads what the user is shown: the notification toasts' texts and how many dialogs.
 */
export async function deployFromPaletteWithWrongCredentials(page: Page): Promise<{ toasts: string[]; dialogs: number }> {
  // A palette that a late notification or webview closed before the pick is what a person
  // meets now and then too: they press Escape and start again, and so does this, once.
  for (let attempt = 1; ; attempt++) {
    try {
      await runFromPalette(page, "Notifications: Clear All Notifications");
      await runFromPalette(page, "Faasbox: Deploy Function…");
      await pickQuickItem(page, "HelloPython");
      const toasts = page.locator(".notifications-toasts .notification-toast");
      await toasts.filter({ hasText: "Deploy of HelloPython failed" }).first().waitFor({ state: "visible", timeout: 60_000 });
      await page.waitForTimeout(1500); // a modal or a second toast would be up by now
      const result = { toasts: await toasts.allInnerTexts(), dialogs: await page.locator(".monaco-dialog-box").count() };
      await page.screenshot({ path: join(ARTIFACTS, "vscode-deploy-failed.png") });
      return result;
    } catch (error) {
      await page.screenshot({ path: join(ARTIFACTS, `vscode-deploy-failed-attempt-${attempt}.png`) });
      if (attempt === 2) throw error;
      await page.keyboard.press("Escape");
      await page.keyboard.press("Escape");
    }
  }
}
