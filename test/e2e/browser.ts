/**
 * Headless Chromium for the HTML report tests: a page that may load only `file:` URLs, so a test can assert that a
 * report is self-contained (every other request is aborted and recorded).
 */
import { chromium, type Browser, type Page } from 'playwright-core';

export const chromiumPath = '/usr/bin/chromium';

export interface OfflinePage {
  page: Page;
  /** Every non-`file:` URL the page asked for (aborted). */
  requests: string[];
  close: () => Promise<void>;
}

/** Opens `file` in a fresh headless Chromium (1200×900) that aborts and records every request not to a file. */
export async function openOffline(file: string): Promise<OfflinePage> {
  const browser: Browser = await chromium.launch({
    executablePath: chromiumPath,
    // playwright gives every launch a fresh temporary profile (it refuses --user-data-dir here)
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const requests: string[] = [];
    await page.route('**/*', async (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      requests.push(url);
      return route.abort();
    });
    await page.goto(`file://${file}`);
    return { page, requests, close: () => browser.close() };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
