// How the tests and benches start Debian's Chromium (playwright-core's launch options; this file
// does not import playwright-core, which only the services that drive a browser depend on).

export const chromiumLaunchOptions = () => ({
  executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
