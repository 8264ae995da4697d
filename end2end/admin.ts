// The admin the server bootstraps on start (RUNSTATE_ADMIN_* in playwright.config.ts),
// for the tests of the admin pages.
export const adminEmail = 'admin@e2e.example.org';
export const adminPassword = 'e2e admin password 1';
