/**
 * The suite's `test`: `baseURL` is the running app (from global setup), `users` finds demo users,
 * and `app` drives the app the way a person does (labels and roles, not CSS).
 */
import { test as base, expect, type Locator, type Page } from '@playwright/test';
import { ServerAdmin } from './admin';
import { readTarget, type DemoUser, type E2eTarget } from './target';

export { expect };

const ROLE_LABELS: Record<DemoUser['role'], string> = { field: 'field worker', lead: 'lead', hq: 'HQ' };

/** The who-am-I line a person should see, written from the demo user, not from app code. */
export function expectedWhoami(user: DemoUser): string {
  const team = user.team === null ? '' : ` · team ${user.team}`;
  return `Signed in as ${user.name}${team} · ${ROLE_LABELS[user.role]}`;
}

export class DemoUsers {
  constructor(readonly all: readonly DemoUser[]) {}

  /** The first demo user with this role (and team, if given); fails the test if there is none. */
  get(role: DemoUser['role'], team?: string): DemoUser {
    const user = this.all.find((u) => u.role === role && (team === undefined || u.team === team));
    if (!user) throw new Error(`no demo user with role ${role}${team ? ` in team ${team}` : ''}`);
    return user;
  }
}

export class OutpostApp {
  readonly name: Locator;
  readonly password: Locator;
  readonly signInButton: Locator;
  readonly signOutButton: Locator;
  readonly signInHeading: Locator;
  readonly error: Locator;
  readonly whoami: Locator;
  readonly syncBar: Locator;
  readonly sections: Locator;

  constructor(readonly page: Page) {
    this.name = page.getByLabel('Name', { exact: true });
    this.password = page.getByLabel('Password', { exact: true });
    this.signInButton = page.getByRole('button', { name: 'Sign in' });
    this.signOutButton = page.getByRole('button', { name: 'Sign out' });
    this.signInHeading = page.getByRole('heading', { name: 'Sign in' });
    this.error = page.getByTestId('signin-error');
    this.whoami = page.getByTestId('whoami');
    this.syncBar = page.getByTestId('syncbar');
    this.sections = page.getByRole('navigation', { name: 'Sections' });
  }

  /** A link in the signed-in shell's section bar: Jobs, Conflicts, Dashboard (HQ), Device. */
  section(name: 'Jobs' | 'Conflicts' | 'Dashboard' | 'Device'): Locator {
    return this.sections.getByRole('link', { name });
  }

  async open(): Promise<void> {
    await this.page.goto('/');
    await expect(this.signInHeading.or(this.whoami)).toBeVisible();
  }

  async signIn(name: string, password: string): Promise<void> {
    await this.name.fill(name);
    await this.password.fill(password);
    await this.signInButton.click();
  }

  async signInAs(user: DemoUser): Promise<void> {
    await this.signIn(user.name, user.password);
    await expect(this.whoami).toHaveText(expectedWhoami(user));
  }

  /** Signing out lives on the Device screen. */
  async signOut(): Promise<void> {
    await this.section('Device').click();
    await this.signOutButton.click();
    await expect(this.signInHeading).toBeVisible();
  }

  /** Waits until the device has its team's data and syncs live (the first download can take a while on a busy machine). */
  async waitForLive(): Promise<void> {
    await expect(this.syncBar).toHaveAttribute('data-state', 'live', { timeout: 30_000 });
  }

  /** Waits until the server has every edit made on this device. */
  async waitForNothingPending(): Promise<void> {
    await expect(this.syncBar).toHaveAttribute('data-pending', '0', { timeout: 30_000 });
  }

  async openJob(id: string, title: string): Promise<void> {
    await this.page.goto(`/#/jobs/${encodeURIComponent(id)}`);
    await expect(this.page.getByRole('heading', { level: 1, name: title })).toBeVisible({ timeout: 20_000 });
  }
}

/** A title no other test uses, so a test finds its own job among everyone's. */
export function uniqueTitle(what: string): string {
  return `${what} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

export const test = base.extend<{ users: DemoUsers; app: OutpostApp }, { outpost: E2eTarget; admin: ServerAdmin }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright needs the object pattern even with no dependencies
  outpost: [async ({}, use) => use(readTarget()), { scope: 'worker' }],
  admin: [async ({ outpost }, use) => use(new ServerAdmin(outpost)), { scope: 'worker' }],
  baseURL: async ({ outpost }, use) => use(outpost.appUrl),
  users: async ({ outpost }, use) => use(new DemoUsers(outpost.demoUsers)),
  app: async ({ page }, use) => use(new OutpostApp(page)),
});
