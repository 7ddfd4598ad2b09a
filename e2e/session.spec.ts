import { expect, expectedWhoami, OutpostApp, test } from './fixtures';

const WRONG_PASSWORD = 'Wrong name or password. Check both and try again.';
// Nobody has signed in on these test devices before, so offline re-entry cannot help: the message says so.
const UNREACHABLE = "Can't reach the Outpost server. The first sign-in on this device needs a connection: connect and try again.";

test('a field worker signs in through /couch/, stays signed in across a reload, and signs out', async ({ page, app, users }) => {
  const ana = users.get('field');
  await app.open();

  const sessionPost = page.waitForResponse((r) => r.url().endsWith('/couch/_session') && r.request().method() === 'POST');
  await app.signInAs(ana);
  expect((await sessionPost).status()).toBe(200);
  // Focus moves to the who-am-I line, so a screen reader says who is signed in.
  await expect(app.whoami).toBeFocused();
  const cookies = await page.context().cookies();
  expect(cookies.map((c) => c.name)).toContain('AuthSession');

  await page.reload();
  await expect(app.whoami).toHaveText(expectedWhoami(ana));

  await app.signOut();
  await expect(app.name).toBeFocused();
  await page.reload();
  await expect(app.signInHeading).toBeVisible();
  await expect(app.whoami).toHaveCount(0);
});

test('a wrong password says so clearly and keeps the person on the form', async ({ app, users }) => {
  const ana = users.get('field');
  await app.open();
  await app.signIn(ana.name, `${ana.password}-wrong`);
  await expect(app.error).toHaveText(WRONG_PASSWORD);
  await expect(app.error).toHaveAttribute('role', 'alert');
  await expect(app.name).toHaveValue(ana.name);
  await expect(app.whoami).toHaveCount(0);

  // And the right password then works from the same form.
  await app.password.fill(ana.password);
  await app.signInButton.click();
  await expect(app.whoami).toHaveText(expectedWhoami(ana));
});

test('a lead and an HQ user see their own role', async ({ app, users }) => {
  const lead = users.get('lead');
  const hq = users.get('hq');
  await app.open();
  await app.signInAs(lead);
  await expect(app.whoami).toContainText(`team ${lead.team ?? 'none'} · lead`);
  await expect(app.section('Dashboard')).toHaveCount(0);

  await app.signOut();
  await app.signInAs(hq);
  await expect(app.whoami).toContainText('HQ');
  await expect(app.section('Dashboard')).toBeVisible();
});

test('leads of both teams see their own team', async ({ browser, users }) => {
  for (const team of ['north', 'south']) {
    const lead = users.get('lead', team);
    const context = await browser.newContext();
    const page = await context.newPage();
    const app = new OutpostApp(page);
    await app.open();
    await app.signInAs(lead);
    await expect(app.whoami).toContainText(`team ${team}`);
    await context.close();
  }
});

test.describe('when the server cannot be reached', () => {
  // Requests are intercepted in the page; keep the service worker out of the way.
  test.use({ serviceWorkers: 'block' });

  test('a network failure says the server cannot be reached', async ({ page, app, users }) => {
    await app.open();
    await page.route('**/couch/_session', (route) =>
      route.request().method() === 'POST' ? route.abort('internetdisconnected') : route.fallback(),
    );
    await app.signIn(users.get('field').name, 'whatever');
    await expect(app.error).toHaveText(UNREACHABLE);
  });

  test('a 502 from the proxy says the same', async ({ page, app, users }) => {
    await app.open();
    await page.route('**/couch/_session', (route) =>
      route.request().method() === 'POST' ? route.fulfill({ status: 502, body: 'Bad Gateway' }) : route.fallback(),
    );
    await app.signIn(users.get('field').name, 'whatever');
    await expect(app.error).toHaveText(UNREACHABLE);
  });

  test('another server error shows its reason and what to do', async ({ page, app, users }) => {
    await app.open();
    await page.route('**/couch/_session', (route) =>
      route.request().method() === 'POST'
        ? route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: 'unknown_error', reason: 'disk full' }) })
        : route.fallback(),
    );
    await app.signIn(users.get('field').name, 'whatever');
    await expect(app.error).toHaveText(/^The server couldn't sign you in: disk full \(HTTP 500\)\. Try again in a minute/);
  });
});
