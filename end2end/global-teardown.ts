// Removes the data dir that playwright.config.ts created (scripts/test.sh removes its own).
import * as fs from 'node:fs';

export default function globalTeardown(): void {
  const dir = process.env.RUNSTATE_E2E_DATA_DIR;
  if (dir && process.env.RUNSTATE_E2E_DATA_DIR_OWNED === '1') {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
