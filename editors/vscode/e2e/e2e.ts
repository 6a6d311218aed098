/**
 * End-to-end test of the packaged extension in a real VS Code: code-server in headless Chromium.
 * Installs the .vsix, opens a workspace with a broken agent file, and checks what a user sees:
 * agent-ls's diagnostics in the Problems panel, the status bar item, a quick fix that changes the
 * file, a quick fix that renames `skill.md` to `SKILL.md`, tool names offered by completion inside `tools:`, the persona actions listed for a
 * selection (no API call), one problem per mistake, one completion list and one hover although
 * VS Code 1.139 has its own Claude agent support (the file opens as Markdown), a persona rewrite
 * against the fake Messages API (progress notification with Cancel, the diff of the proposed
 * change, one click on Apply, the file changed exactly as expected; a run from the code action
 * menu — one entry per agent, "Ask backend-engineer…", then a QuickPick of its actions, and
 * an entry naming the agent left out — cancelled, changes nothing and logs no error; the
 * workspace's own settings cannot redirect the API call; a follow-up on a review's report asked
 * in an input box is appended to it), and, after the server setting is pointed at a missing program, a
 * restart that ends in a notification saying how to fix it. Then the fresh-install
 * path: with no server configured and none on PATH, "Install agent-ls" installs the bundled wheel
 * into the extension's global storage and the server starts from there (and is updated in place
 * when the installed wheel is not the one the extension carries); and a setting changed on
 * the User tab of the Settings UI (code-server is a remote window) is the one the extension reads.
 * The API key set with "Set Anthropic API Key" reaches the server's environment and no log. A
 * failed install names the failed step, its last output lines and the command to run by hand.
 * Saves a screenshot of the diagnostics.
 *
 * Exit codes: 0 passed, 1 failed, 77 a piece is missing (see harness.findPieces).
 */

import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';

import {
  MISSING_PIECE_EXIT_CODE,
  REPO_ROOT,
  type CodeServer,
  type FakeApi,
  type Sandbox,
  createSandbox,
  findFiles,
  findPieces,
  run,
  startCodeServer,
  startFakeApi,
  tail,
  writeJson,
} from './harness';

/** The whole run, whatever happens, ends within this. */
const TOTAL_TIMEOUT_MS = Number(process.env.E2E_TIMEOUT_MS ?? 420_000);
const STEP_TIMEOUT_MS = 60_000;
/** Creating the environment and installing the wheel's dependencies with pip. */
const INSTALL_TIMEOUT_MS = 180_000;
// The committed screenshot is refreshed only on request (E2E_SCREENSHOT=editors/vscode/screenshot.png);
// test runs write theirs under tests/.artifacts so a run leaves the work tree clean.
const SCREENSHOT = process.env.E2E_SCREENSHOT ?? path.join(REPO_ROOT, 'tests', '.artifacts', 'vscode-diagnostics.png');
const ARTIFACTS = path.join(REPO_ROOT, 'tests', '.artifacts');
const KNOWN_TOOLS = ['Read', 'Grep', 'Glob', 'Bash', 'Edit', 'Write', 'WebFetch', 'WebSearch', 'NotebookEdit'];

/** Line numbers (1-based) of the planted problems in BROKEN_AGENT. */
const BROKEN_LINES = { tools: 4, color: 5, unknownKey: 6 };
const BROKEN_AGENT = `---
name: broken
description: Reviews pull requests for correctness. Deliberately broken for the agent-ls end-to-end test.
tools: Reed, Grep
color: magenta
allowedTools: Read
---

You are a careful reviewer. Read the diff, then report problems with file and line.
`;

/**
 * An agent file with mistakes VS Code's own Agent mode also reports (`model: gpt-4` gets its
 * "Unknown value" error beside agent-ls's AL501 when the file opens in that mode).
 */
const DOUBLED = {
  file: 'doubled.md',
  text: `---
name: doubled
description: Checks that each mistake is reported once although VS Code validates agent files too.
model: gpt-4
color: magenta
---

You review code.
`,
  lines: [4, 5],
};

/**
 * Two more agents: with four agents offered (these, broken and the shipped backend-engineer) the
 * code action menu has one entry per agent ("Ask backend-engineer…"), which opens a QuickPick of
 * its actions. (doubled is not offered: the API refuses its model; the menu says so.)
 */
const MORE_AGENTS: Record<string, string> = {
  'frontend.md': '---\nname: frontend\ndescription: Reviews React components and CSS.\n---\n\nYou review front-end code.\n',
  'sql.md': '---\nname: sql\ndescription: Reviews SQL queries and migrations.\n---\n\nYou review SQL.\n',
};
const FOLLOW_UP_QUESTION = 'Should the error say which field is wrong?';

/** The Python file a persona rewrites, its selected function (lines 4-7), and the scripted answer. */
const ORDERS = `import json


def create_order(db, payload):
    data = json.loads(payload)
    order_id = db.insert("orders", data)
    return {"id": order_id}
`;
const ORDERS_FUNCTION_LINES = { first: 4, count: 4 };
const HARDENED = `def create_order(db, payload):
    try:
        data = json.loads(payload)
    except json.JSONDecodeError as err:
        raise ValueError(f"invalid order payload: {err}") from err
    order_id = db.insert("orders", data)
    return {"id": order_id}
`;
const ANSWER = `Here is the hardened function:\n\n\`\`\`python\n${HARDENED}\`\`\`\n`;
const ORDERS_HARDENED = `import json\n\n\n${HARDENED}`;
/** Seconds the fake API waits before answering: long enough to see (and cancel) the progress. */
const ANSWER_DELAY_S = 2;
const API_KEY_ENV = 'AGENT_LS_E2E_KEY';

const started = Date.now();
function step(message: string): void {
  process.stdout.write(`[e2e ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}\n`);
}

class TestFailure extends Error {}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) {
    throw new TestFailure(message);
  }
}

async function main(): Promise<number> {
  const { pieces, missing } = findPieces();
  if (missing.length > 0) {
    process.stdout.write(`missing: ${missing.join('; ')}\n`);
    return MISSING_PIECE_EXIT_CODE;
  }
  const sandbox = createSandbox(pieces.nodeBin);
  sandbox.env[API_KEY_ENV] = 'sk-ant-e2e-0123456789abcdefghijklmnop';
  let server: CodeServer | undefined;
  let api: FakeApi | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  const watchdog = setTimeout(() => {
    process.stdout.write(`FAIL: the e2e test did not finish within ${TOTAL_TIMEOUT_MS} ms\n`);
    void server?.stop().finally(() => process.exit(1));
    setTimeout(() => process.exit(1), 5000).unref();
  }, TOTAL_TIMEOUT_MS);
  watchdog.unref();
  try {
    step(`sandbox ${sandbox.root}`);
    api = await startFakeApi(pieces.agentLs, ANSWER, ANSWER_DELAY_S, 30_000);
    step(`fake Messages API at ${api.baseUrl}`);
    prepareWorkspace(sandbox, pieces.agentLs, api.baseUrl);
    writeFileSync(path.join(sandbox.workspace, '.claude', 'agents', DOUBLED.file), DOUBLED.text);
    for (const [file, text] of Object.entries(MORE_AGENTS)) {
      writeFileSync(path.join(sandbox.workspace, '.claude', 'agents', file), text);
    }
    mkdirSync(path.join(sandbox.workspace, MISNAMED_SKILL.folder), { recursive: true });
    writeFileSync(path.join(sandbox.workspace, MISNAMED_SKILL.folder, 'skill.md'), MISNAMED_SKILL.text);
    await run(
      pieces.codeServer,
      ['--user-data-dir', sandbox.userData, '--extensions-dir', sandbox.extensions, '--install-extension', pieces.vsix],
      sandbox.env,
      120_000,
    );
    step('installed the .vsix');
    server = await startCodeServer(pieces, sandbox, 60_000);
    step(`code-server at ${server.url}`);

    context = await chromium.launchPersistentContext(sandbox.browserProfile, {
      executablePath: pieces.chromium,
      headless: true,
      viewport: { width: 1280, height: 760 },
      timeout: 60_000,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
      env: sandbox.env,
    });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${server.url}/?folder=${encodeURIComponent(sandbox.workspace)}`);
    await page.locator('.monaco-workbench').waitFor();
    step('workbench loaded');

    await openFile(page, 'broken.md');
    step('opened .claude/agents/broken.md');
    await checkDiagnostics(page);
    await checkStatusBar(page);
    await takeScreenshot(page);
    await applyQuickFix(page, path.join(sandbox.workspace, '.claude', 'agents', 'broken.md'));
    await checkCompletion(page);
    await checkPersonaList(page);
    await checkOneProblemPerMistake(page);
    await checkRenameFix(page, path.join(sandbox.workspace, MISNAMED_SKILL.folder));
    await checkPersonaRewrite(page, path.join(sandbox.workspace, 'app', 'orders.py'));
    await checkPersonaCancel(page, path.join(sandbox.workspace, 'app', 'orders.py'), sandbox);
    await checkFollowUp(page, sandbox);
    await checkMissingServer(page, sandbox);
    await checkFreshInstall(page, sandbox);
    await checkApiKeyInSecretStorage(page, sandbox);
    await checkUserSettingInRemoteWindow(page);
    await checkInstallFailure(page, sandbox);
    step('PASS');
    return 0;
  } catch (error) {
    process.stdout.write(`FAIL: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    await saveFailureArtifacts(page, sandbox, server);
    return 1;
  } finally {
    clearTimeout(watchdog);
    await context?.close().catch(() => undefined);
    await server?.stop();
    await api?.stop();
    if (process.env.E2E_KEEP_SANDBOX !== '1') {
      sandbox.remove();
    }
  }
}

function prepareWorkspace(sandbox: Sandbox, agentLs: string, apiBaseUrl: string): void {
  const agentFile = path.join(sandbox.workspace, '.claude', 'agents', 'broken.md');
  mkdirSync(path.dirname(agentFile), { recursive: true });
  writeFileSync(agentFile, BROKEN_AGENT);
  mkdirSync(path.join(sandbox.workspace, 'app'), { recursive: true });
  writeFileSync(path.join(sandbox.workspace, 'app', 'orders.py'), ORDERS);
  // A cloned repository trying to redirect the API call and pick the credential: VS Code must
  // ignore both (the settings are machine-scoped), so the call still reaches the fake API.
  writeJson(path.join(sandbox.workspace, '.vscode', 'settings.json'), {
    'agentLs.personas.baseUrl': 'http://127.0.0.1:9/collect',
    'agentLs.personas.apiKeyEnv': 'AWS_SECRET_ACCESS_KEY',
  });
  personaMachineSettings = { 'agentLs.personas.baseUrl': apiBaseUrl, 'agentLs.personas.apiKeyEnv': API_KEY_ENV };
  writeServerCommand(sandbox, [agentLs, 'serve']);
  writeJson(path.join(sandbox.userData, 'User', 'settings.json'), {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'workbench.colorTheme': 'Default Dark Modern',
    'chat.disableAIFeatures': true,
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'update.mode': 'none',
    'git.enabled': false,
    'editor.minimap.enabled': false,
    'editor.fontSize': 14,
    'files.autoSave': 'off',
    'window.zoomLevel': 0,
  });
}

/**
 * Sets agentLs.server.command. code-server is a remote: machine-scoped settings are read from the
 * Machine settings of the server side, not from the User settings.
 */
function writeServerCommand(sandbox: Sandbox, command: string[]): void {
  writeJson(path.join(sandbox.userData, 'Machine', 'settings.json'), {
    ...personaMachineSettings,
    'agentLs.server.command': command,
  });
}

/** The machine-scoped persona settings (where the API is, which variable holds the key). */
let personaMachineSettings: Record<string, string> = {};

/** Opens a workspace file through Quick Open. */
async function openFile(page: Page, name: string): Promise<void> {
  await page.locator('.monaco-workbench').click({ position: { x: 640, y: 300 } });
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator(`.tab.active[aria-label*="${name}"]`).waitFor();
  await page.locator('.monaco-editor .view-lines').first().waitFor();
}

/** Opens the Problems panel and waits for agent-ls's diagnostics on the three planted lines. */
async function checkDiagnostics(page: Page): Promise<void> {
  await page.keyboard.press('Control+Shift+M');
  const rows = page.locator('.markers-panel .monaco-list-row');
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  let texts: string[] = [];
  while (Date.now() < deadline) {
    texts = await rows.evaluateAll((elements) => elements.map((e) => (e as HTMLElement).innerText.replace(/\s+/g, ' ')));
    const ours = texts.filter((t) => /agent-ls/.test(t) && /AL\d{3}/.test(t));
    const lines = new Set(ours.map((t) => Number(/\[Ln (\d+)/.exec(t)?.[1])));
    if (Object.values(BROKEN_LINES).every((line) => lines.has(line))) {
      step(`Problems panel: ${ours.length} agent-ls diagnostics`);
      for (const text of ours) {
        step(`  ${text}`);
      }
      return;
    }
    await page.waitForTimeout(250);
  }
  throw new TestFailure(
    `agent-ls diagnostics (source agent-ls, code ALnnn) on lines ${Object.values(BROKEN_LINES).join(', ')} ` +
      `did not appear in the Problems panel; it shows:\n${texts.join('\n') || '(nothing)'}`,
  );
}

/** The status bar item says the server is ready. */
async function checkStatusBar(page: Page): Promise<void> {
  const item = page.locator('.statusbar-item', { hasText: 'agent-ls' });
  await item.locator('.codicon-check').first().waitFor();
  step('status bar: agent-ls ready');
}

async function takeScreenshot(page: Page): Promise<void> {
  // Let squiggles and the panel settle before the picture.
  await page.waitForTimeout(500);
  await page.mouse.move(0, 0);
  mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, type: 'png' });
  step(`screenshot ${SCREENSHOT} (${Math.round(statSync(SCREENSHOT).size / 1024)} KB)`);
}

/** Moves the cursor to a 1-based line and column with Go to Line. */
async function goTo(page: Page, line: number, column: number): Promise<void> {
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  // Ctrl+G opens Quick Open with the ':' (go to line) prefix; filling replaces it, so repeat it.
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden' });
}

/** Puts the cursor on `Reed`, applies agent-ls's quick fix with Ctrl+., saves, and checks the file. */
async function applyQuickFix(page: Page, file: string): Promise<void> {
  const before = readFileSync(file, 'utf8');
  const column = BROKEN_AGENT.split('\n')[BROKEN_LINES.tools - 1]!.indexOf('Reed') + 2;
  await goTo(page, BROKEN_LINES.tools, column);
  await page.keyboard.press('Control+.');
  const actions = page.locator('.action-widget .monaco-list-row.action');
  await actions.first().waitFor();
  const titles = await actions.allInnerTexts();
  step(`quick fixes offered: ${titles.map((t) => t.trim()).join(' | ')}`);
  const fix = actions.filter({ hasText: /Read/ }).first();
  check((await fix.count()) > 0, `no quick fix mentioning Read among: ${titles.join(' | ')}`);
  await fix.click();
  await page.keyboard.press('Control+S');
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  let after = before;
  while (Date.now() < deadline && after === before) {
    await page.waitForTimeout(200);
    after = readFileSync(file, 'utf8');
  }
  check(after !== before, 'the quick fix did not change the file on disk');
  const toolsLine = after.split('\n')[BROKEN_LINES.tools - 1];
  check(toolsLine !== undefined && /\bRead\b/.test(toolsLine) && !toolsLine.includes('Reed'), `tools line after the fix: ${toolsLine}`);
  step(`quick fix applied and saved: "${toolsLine}"`);
}

/** A skill file Claude Code skips (`skill.md`): its quick fix renames it to `SKILL.md`. */
const MISNAMED_SKILL = {
  folder: path.join('.claude', 'skills', 'review'),
  text: '---\nname: review\ndescription: Reviews a change for the agent-ls end-to-end test.\n---\nReview the diff.\n',
};

/**
 * Opens `skill.md`, waits for its SK102 problem, applies the quick fix that renames it (a
 * RenameFile in the workspace edit), and checks that the file on disk and the editor's tab are
 * now `SKILL.md` and that no SK102 problem is left.
 */
async function checkRenameFix(page: Page, folder: string): Promise<void> {
  await openFile(page, 'skill.md');
  await page.keyboard.press('Control+Shift+M');
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  while (!(await problemsOf(page, 'skill.md')).some((row) => row.includes('SK102'))) {
    check(Date.now() < deadline, 'no SK102 problem on skill.md');
    await page.waitForTimeout(250);
  }
  await goTo(page, 1, 1);
  await page.keyboard.press('Control+.');
  const actions = page.locator('.action-widget .monaco-list-row.action');
  await actions.first().waitFor();
  const titles = await actions.allInnerTexts();
  const fix = actions.filter({ hasText: 'Rename the file to' }).first();
  check((await fix.count()) > 0, `no rename among the quick fixes: ${titles.join(' | ')}`);
  await fix.click();
  while (readdirSync(folder).join() !== 'SKILL.md') {
    check(Date.now() < deadline, `skill.md was not renamed: ${readdirSync(folder).join(', ')}`);
    await page.waitForTimeout(200);
  }
  check(readFileSync(path.join(folder, 'SKILL.md'), 'utf8') === MISNAMED_SKILL.text, 'the renamed file changed');
  await page.locator('.tab.active[aria-label*="SKILL.md"]').waitFor();
  while ((await problemRows(page)).some((row) => row.includes('SK102'))) {
    check(Date.now() < deadline, 'the SK102 problem stayed after the rename');
    await page.waitForTimeout(250);
  }
  step('quick fix renamed skill.md to SKILL.md; the editor and the Problems panel followed');
}

/** Opens completion at the cursor (Ctrl+Space) and returns the labels it lists. */
async function suggestionLabels(page: Page): Promise<string[]> {
  await page.keyboard.press('Control+Space');
  const rows = page.locator('.editor-widget.suggest-widget.visible .monaco-list-row');
  await rows.first().waitFor();
  return rows.evaluateAll((elements) =>
    elements.map((e) => (e.querySelector('.label-name') as HTMLElement | null)?.innerText ?? (e as HTMLElement).innerText),
  );
}

/** Types after the last tool in `tools:` and checks that completion offers tool names. */
async function checkCompletion(page: Page): Promise<void> {
  await goTo(page, BROKEN_LINES.tools, 200);
  await page.keyboard.press('End');
  await page.keyboard.type(', ');
  const labels = await suggestionLabels(page);
  const offered = KNOWN_TOOLS.filter((tool) => labels.includes(tool));
  step(`completion offers: ${labels.join(', ')}`);
  check(offered.length > 0, `completion inside tools: offered no known tool name; got: ${labels.join(', ')}`);
  await page.keyboard.press('Escape');
}

/** Runs "agent-ls: Run Persona Action on Selection" from the command palette (F1). */
async function openPersonaPicker(page: Page): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill('>agent-ls: Run Persona Action');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Run Persona Action on Selection' }).first().waitFor();
  await page.keyboard.press('Enter');
}

/** Selects the body line and runs "Run Persona Action on Selection": the shipped persona is offered. */
async function checkPersonaList(page: Page): Promise<void> {
  await goTo(page, 9, 1);
  await page.keyboard.press('Shift+End');
  await openPersonaPicker(page);
  const persona = page.locator('.quick-input-list .monaco-list-row', { hasText: 'backend-engineer: review' });
  await persona.first().waitFor();
  const offered = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts();
  step(`persona actions offered: ${offered.map((t) => t.replace(/\s+/g, ' ').trim()).join(' | ')}`);
  await page.keyboard.press('Escape');
}

/**
 * Selects the function in app/orders.py and runs a persona action on it: from the command
 * palette's picker, or from the code action menu (Ctrl+.), which runs the server's command
 * through the extension.
 */
async function runPersonaOnOrders(page: Page, action: string, from: 'palette' | 'code actions'): Promise<void> {
  await openFile(page, 'orders.py');
  await goTo(page, ORDERS_FUNCTION_LINES.first, 1);
  for (let i = 0; i < ORDERS_FUNCTION_LINES.count; i++) {
    await page.keyboard.press('Shift+ArrowDown');
  }
  if (from === 'palette') {
    await openPersonaPicker(page);
    const choice = page.locator('.quick-input-list .monaco-list-row', { hasText: action });
    await choice.first().waitFor();
    await choice.first().click();
    return;
  }
  // The code action menu: one entry per agent, then a QuickPick of that agent's actions.
  const [agent, title] = action.split(': ');
  await page.keyboard.press('Control+.');
  const rows = page.locator('.action-widget .monaco-list-row.action');
  const entry = rows.filter({ hasText: `Ask ${agent}…` });
  await entry.first().waitFor();
  const offered = (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  step(`code actions offered: ${offered.join(' | ')}`);
  check(!offered.some((t) => t.includes(action)), `the menu lists actions, not one entry per agent: ${offered.join(' | ')}`);
  check(
    offered.some((t) => t.includes('Not offered: doubled')),
    `the menu does not say which agent is left out: ${offered.join(' | ')}`,
  );
  await entry.first().click();
  const pick = page.locator('.quick-input-widget');
  await pick.locator('.quick-input-title', { hasText: `Ask ${agent} to…` }).waitFor();
  const choice = pick.locator('.quick-input-list .monaco-list-row', { hasText: title! });
  await choice.first().waitFor();
  const listed = (await pick.locator('.quick-input-list .monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  step(`QuickPick of ${agent}'s actions: ${listed.join(' | ')}`);
  await choice.first().click();
}

/** The progress notification of a running persona action, with its Cancel button. */
async function progressToast(page: Page, action: string) {
  const toast = page.locator('.notification-toast', { hasText: action }).filter({ has: page.locator('.monaco-button', { hasText: 'Cancel' }) });
  await toast.first().waitFor();
  return toast.first();
}

/**
 * "backend-engineer: harden error handling" on the selected function: a progress notification
 * with Cancel, then the diff of the current text against the proposed one, then one click on
 * Apply; saved, the file is exactly the expected text.
 */
async function checkPersonaRewrite(page: Page, file: string): Promise<void> {
  await runPersonaOnOrders(page, 'backend-engineer: harden error handling', 'palette');
  const progress = await progressToast(page, 'backend-engineer: harden error handling');
  step(`progress notification: "${(await progress.innerText()).replace(/\s+/g, ' ').trim()}"`);
  const diff = page.locator('.monaco-diff-editor');
  await diff.first().waitFor();
  await page.locator('.tab.active', { hasText: 'proposed' }).waitFor();
  const modified = diff.first().locator('.editor.modified .view-lines');
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  let shown = '';
  while (Date.now() < deadline && !shown.includes('JSONDecodeError')) {
    shown = (await modified.innerText()).replace(/\u00a0/g, ' ');
    await page.waitForTimeout(100);
  }
  check(shown.includes('except json.JSONDecodeError as err:'), `the diff's proposed side does not show the rewrite: ${shown}`);
  check(readFileSync(file, 'utf8') === ORDERS, 'the file changed before Apply');
  step('diff of the proposed change shown');
  const question = page.locator('.notification-toast', { hasText: 'apply the change shown in the diff' });
  await question.waitFor();
  await question.locator('.monaco-button', { hasText: /^Apply$/ }).click();
  await diff.first().waitFor({ state: 'hidden' });
  await page.locator('.tab.active[aria-label*="orders.py"]').waitFor();
  await page.keyboard.press('Control+S');
  // Poll for the expected text: a read can catch VS Code midway through writing the file.
  let after = readFileSync(file, 'utf8');
  const saved = Date.now() + STEP_TIMEOUT_MS;
  while (Date.now() < saved && after !== ORDERS_HARDENED) {
    await page.waitForTimeout(200);
    after = readFileSync(file, 'utf8');
  }
  check(after === ORDERS_HARDENED, `after one Apply the file is not the expected rewrite:\n${after}`);
  step('one click on Apply: the file changed exactly as expected');
}

/**
 * A second run, from the code action menu this time, cancelled from its notification: nothing
 * changes and the log has no error.
 */
async function checkPersonaCancel(page: Page, file: string, sandbox: Sandbox): Promise<void> {
  const before = readFileSync(file, 'utf8');
  await runPersonaOnOrders(page, 'backend-engineer: harden error handling', 'code actions');
  const progress = await progressToast(page, 'backend-engineer: harden error handling');
  await progress.locator('.monaco-button', { hasText: 'Cancel' }).click();
  await progress.waitFor({ state: 'hidden' });
  await page.waitForTimeout((ANSWER_DELAY_S + 1) * 1000); // past the moment the answer would have come
  check((await page.locator('.monaco-diff-editor').count()) === 0, 'a cancelled run showed a diff');
  check(readFileSync(file, 'utf8') === before, 'a cancelled run changed the file');
  const errors = findFiles(sandbox.userData, /agent-ls\.log$/)
    .flatMap((log) => readFileSync(log, 'utf8').split('\n'))
    .filter((line) => /\[error\]/i.test(line));
  check(errors.length === 0, `the agent-ls output has errors after a cancel:\n${errors.join('\n')}`);
  step('cancelled from the notification: nothing applied, no error in the output');
}

/**
 * A review from the palette opens its report; "agent-ls: Ask a Follow-up on a Persona Report"
 * on it asks for the question in an input box, and the answer is appended to the report file.
 */
async function checkFollowUp(page: Page, sandbox: Sandbox): Promise<void> {
  await runPersonaOnOrders(page, 'backend-engineer: review', 'palette');
  await page.locator('.tab.active', { hasText: 'backend-engineer.review' }).waitFor();
  const [report] = findFiles(sandbox.env.XDG_CACHE_HOME!, /\.backend-engineer\.review\.md$/);
  check(report !== undefined, 'no report file was kept');
  const before = readFileSync(report, 'utf8');
  step(`report kept: ${path.relative(sandbox.root, report)}`);
  await runCommand(page, 'agent-ls: Ask a Follow-up on a Persona Report');
  const input = page.locator('.quick-input-widget input');
  await page.locator('.quick-input-widget', { hasText: 'follow-up on' }).waitFor();
  await input.fill(FOLLOW_UP_QUESTION);
  await page.keyboard.press('Enter');
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  let after = before;
  while (Date.now() < deadline && !after.includes(`## Follow-up: ${FOLLOW_UP_QUESTION}`)) {
    await page.waitForTimeout(250);
    after = readFileSync(report, 'utf8');
  }
  check(after.startsWith(before) && after.includes(`## Follow-up: ${FOLLOW_UP_QUESTION}`), `the follow-up was not appended:\n${after}`);
  step('follow-up asked in an input box: the answer is appended to the report');
}

/**
 * Points agentLs.server.command at a missing program: the extension restarts the server and, not
 * finding it, says so in a notification with the setting's name and buttons, and the status bar
 * shows the error.
 */
async function checkMissingServer(page: Page, sandbox: Sandbox): Promise<void> {
  writeServerCommand(sandbox, ['/nonexistent/agent-ls']);
  const toast = page.locator('.notification-toast', { hasText: 'agentLs.server.command' });
  await toast.waitFor();
  const text = (await toast.innerText()).replace(/\s+/g, ' ');
  check(/Open Settings/.test(text) && /from Remote settings\) was not found/.test(text), `notification without the fix or the scope: ${text}`);
  await page.locator('.statusbar-item', { hasText: 'agent-ls' }).locator('.codicon-error').first().waitFor();
  step(`missing server: "${text}"`);
}

/** Rows of the Problems panel, whitespace collapsed; file rows have no `[Ln`. */
async function problemRows(page: Page): Promise<string[]> {
  return page
    .locator('.markers-panel .monaco-list-row')
    .evaluateAll((elements) => elements.map((e) => (e as HTMLElement).innerText.replace(/\s+/g, ' ')));
}

/** The Problems panel's rows for the file named `file` (those below its file row). */
async function problemsOf(page: Page, file: string): Promise<string[]> {
  const all = await problemRows(page);
  const start = all.findIndex((row) => row.startsWith(file));
  const end = all.findIndex((row, index) => index > start && !row.includes('[Ln'));
  return start < 0 ? [] : all.slice(start + 1, end < 0 ? undefined : end);
}

/**
 * Opens DOUBLED: it is in Markdown mode (not VS Code's "Agent" mode), and the Problems panel lists
 * exactly one problem per planted mistake, each from agent-ls.
 */
async function checkOneProblemPerMistake(page: Page): Promise<void> {
  await openFile(page, DOUBLED.file);
  const mode = (await page.locator('#status\\.editor\\.mode').innerText()).trim();
  check(mode === 'Markdown', `${DOUBLED.file} opened in language mode "${mode}", not Markdown`);
  await page.keyboard.press('Control+Shift+M');
  const hasAll = (rows: string[]): boolean => DOUBLED.lines.every((line) => rows.some((row) => row.includes(`[Ln ${line},`)));
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  while (!hasAll(await problemsOf(page, DOUBLED.file))) {
    check(Date.now() < deadline, `no agent-ls problems on lines ${DOUBLED.lines.join(', ')} of ${DOUBLED.file}`);
    await page.waitForTimeout(250);
  }
  // VS Code's own validation runs 200 ms after a change: give it time to add a second problem.
  await page.waitForTimeout(1500);
  const rows = await problemsOf(page, DOUBLED.file);
  for (const line of DOUBLED.lines) {
    const onLine = rows.filter((row) => row.includes(`[Ln ${line},`));
    check(onLine.length === 1, `line ${line} of ${DOUBLED.file} has ${onLine.length} problems, not 1:\n${onLine.join('\n')}`);
  }
  check(
    rows.every((row) => /agent-ls AL\d{3}/.test(row)),
    `a problem in ${DOUBLED.file} that is not agent-ls's:\n${rows.join('\n')}`,
  );
  step(`one problem per mistake in ${DOUBLED.file} (mode ${mode}): ${rows.length} problems, all agent-ls`);

  // One completion list: after `model: ` each alias is offered once (not once per provider).
  await goTo(page, DOUBLED.lines[0]!, 'model: '.length + 1);
  await page.keyboard.press('Shift+End');
  await page.keyboard.press('Backspace');
  const labels = await suggestionLabels(page);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+Z');
  check(labels.filter((label) => label === 'haiku').length === 1, `model completion offers: ${labels.join(', ')}`);
  step(`model completion, haiku once: ${labels.join(', ')}`);

  // One hover: on the `model` key, agent-ls's text alone (VS Code's Agent mode would add its own).
  await page.locator('.view-lines .view-line', { hasText: 'model: gpt-4' }).locator('span span', { hasText: 'model' }).first().hover();
  const parts = page.locator('.monaco-hover:not(.hidden) .hover-row .markdown-hover');
  await parts.first().waitFor();
  await page.waitForTimeout(500); // a second provider's part would arrive with the first
  const texts = (await parts.allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim()).filter((text) => text !== '');
  await page.keyboard.press('Escape');
  check(texts.length === 1, `the hover on \`model\` has ${texts.length} parts:\n${texts.join('\n')}`);
  step(`one hover on \`model\`: "${texts[0]!.slice(0, 80)}…"`);
}

/** Runs a command from the Command Palette by its title. */
async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title.replace(/^agent-ls: /, '') }).first().waitFor();
  await page.keyboard.press('Enter');
}

/** Environments of the running agent-ls servers started by this test's code-server (its HOME). */
function serverEnvironments(sandbox: Sandbox): Record<string, string>[] {
  const found: Record<string, string>[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (!cmdline.some((part) => part.endsWith('agent-ls')) || !cmdline.includes('serve')) {
        continue;
      }
      const env = Object.fromEntries(
        readFileSync(`/proc/${pid}/environ`, 'utf8')
          .split('\0')
          .filter((entry) => entry.includes('='))
          .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
      );
      if (env.HOME === sandbox.home) {
        found.push(env);
      }
    } catch {
      // The process ended meanwhile, or is not ours to read.
    }
  }
  return found;
}

/**
 * "Set Anthropic API Key" stores the key in secret storage and restarts the server with it in its
 * environment; no log of the run contains it; "Clear Anthropic API Key" takes it away again.
 */
async function checkApiKeyInSecretStorage(page: Page, sandbox: Sandbox): Promise<void> {
  const key = 'sk-ant-e2e-secret-storage-0123456789abcdef';
  const holding = (): string[] =>
    serverEnvironments(sandbox).flatMap((env) => Object.keys(env).filter((name) => env[name] === key));
  await runCommand(page, 'agent-ls: Set Anthropic API Key');
  const input = page.locator('.quick-input-widget input[type="password"]');
  await input.waitFor();
  await input.fill(key);
  await page.keyboard.press('Enter');
  await page.locator('.notification-toast', { hasText: 'API key stored' }).waitFor();
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  while (holding().length === 0) {
    check(Date.now() < deadline, 'no running agent-ls server has the stored key in its environment');
    await page.waitForTimeout(250);
  }
  step(`the restarted server has the stored key as ${holding().join(', ')}`);
  // Every log of code-server, the extension host and the output channel, and every settings file.
  const leaks = [...findFiles(sandbox.userData, /\.log$|^settings\.json$/), path.join(sandbox.root, 'code-server.log')].filter(
    (file) => readFileSync(file, 'utf8').includes(key),
  );
  check(leaks.length === 0, `the API key appears in ${leaks.join(', ')}`);
  await runCommand(page, 'agent-ls: Clear Anthropic API Key');
  await page.locator('.notification-toast', { hasText: 'API key removed' }).waitFor();
  while (holding().length > 0) {
    check(Date.now() < deadline + STEP_TIMEOUT_MS, 'a server still has the cleared key in its environment');
    await page.waitForTimeout(250);
  }
  check(serverEnvironments(sandbox).length > 0, 'no server running after the key was cleared');
  step('key cleared: the restarted server no longer has it; no log or settings file holds it');
}

/**
 * No server configured and none on PATH: the not-found notification lists what was tried, its
 * "Install agent-ls" button installs the bundled wheel into the extension's global storage (with
 * a progress notification), and the server starts from there and publishes diagnostics again.
 */
async function checkFreshInstall(page: Page, sandbox: Sandbox): Promise<void> {
  writeServerCommand(sandbox, []);
  const toast = page.locator('.notification-toast', { hasText: 'was not found. Tried:' });
  await toast.waitFor();
  const text = (await toast.innerText()).replace(/\s+/g, ' ');
  check(
    text.includes('agentLs.server.command (not set in User, Remote or Workspace settings)') &&
      text.includes('`agent-ls` on PATH (not found)'),
    `not-found notification without what it tried and where: ${text}`,
  );
  step(`not found: "${text}"`);
  await toast.locator('.monaco-button', { hasText: 'Install agent-ls' }).click();
  await page.locator('.notification-toast', { hasText: 'installing the server' }).first().waitFor();
  step('installing (progress notification shown)');
  await page
    .locator('.statusbar-item', { hasText: 'agent-ls' })
    .locator('.codicon-check')
    .first()
    .waitFor({ timeout: INSTALL_TIMEOUT_MS });
  const stamps = findFiles(sandbox.userData, /^server-env\.json$/);
  check(stamps.length === 1 && /globalStorage/.test(stamps[0]!), `no install stamp in global storage: ${stamps.join(', ')}`);
  const installed = path.join(path.dirname(stamps[0]!), 'server-env', 'bin', 'agent-ls');
  check(statSync(installed, { throwIfNoEntry: false })?.isFile() === true, `no agent-ls at ${installed}`);
  step(`installed ${readFileSync(stamps[0]!, 'utf8').trim()} into ${path.relative(sandbox.root, path.dirname(installed))}`);
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  while (!(await problemRows(page)).some((row) => /agent-ls AL501/.test(row))) {
    check(Date.now() < deadline, 'the installed server published no diagnostics');
    await page.waitForTimeout(250);
  }
  step('the installed server is running and publishing diagnostics');

  // An extension that carries another wheel than the one installed updates the environment.
  writeFileSync(stamps[0]!, '{"wheel": "agent_ls-0.0.1-py3-none-any.whl"}\n');
  await runCommand(page, 'agent-ls: Restart Server');
  await page.locator('.notification-toast', { hasText: 'updating the server' }).first().waitFor();
  await page.locator('.statusbar-item', { hasText: 'agent-ls' }).locator('.codicon-check').first().waitFor({ timeout: INSTALL_TIMEOUT_MS });
  const updated = readFileSync(stamps[0]!, 'utf8').trim();
  check(!updated.includes('0.0.1') && /agent_ls-.+\.whl/.test(updated), `after the update the stamp says ${updated}`);
  step(`outdated environment updated at restart: ${updated}`);
}

/**
 * code-server is a remote window: the User tab of the Settings UI lists the server settings (it
 * hides machine-scoped ones), and a value set there is read: a Python path without agent-ls gives
 * a notification naming the setting and "User settings".
 */
async function checkUserSettingInRemoteWindow(page: Page): Promise<void> {
  await page.keyboard.press('Control+,');
  const editor = page.locator('.settings-editor');
  await editor.waitFor();
  await editor.locator('.settings-tabs-widget .action-label', { hasText: /^User$/ }).click();
  await page.keyboard.type('agentLs.server');
  const labels = editor.locator('.setting-item-contents .setting-item-label');
  await labels.filter({ hasText: 'Python Path' }).first().waitFor();
  const listed = (await labels.allInnerTexts()).map((label) => label.trim());
  check(listed.includes('Command') && listed.includes('Python Path'), `User tab lists: ${listed.join(', ')}`);
  step(`Settings UI, User tab: ${listed.join(', ')}`);
  const input = editor.locator('.setting-item-contents', { hasText: 'Python Path' }).locator('input').first();
  await input.fill('/nonexistent/python');
  const toast = page.locator('.notification-toast', { hasText: 'agentLs.server.pythonPath' });
  await toast.waitFor();
  const text = (await toast.innerText()).replace(/\s+/g, ' ');
  check(text.includes('(agentLs.server.pythonPath, from User settings) cannot import agent_ls'), `notification: ${text}`);
  step(`User setting read in a remote window: "${text}"`);
  // VS Code 1.139 shows Settings as a modal over the editors, which races the next Command
  // Palette step for focus: reload the window (the settings stay) to leave it.
  await page.reload();
  await page.locator('.monaco-workbench').waitFor();
  await page.locator('.notification-toast', { hasText: 'agentLs.server.pythonPath' }).first().waitFor();
}

/**
 * A failed install says which step failed, with the tool's last lines and the command to run by
 * hand: here `python3 -m venv` fails because a file sits where the environment goes.
 */
async function checkInstallFailure(page: Page, sandbox: Sandbox): Promise<void> {
  const [stamp] = findFiles(sandbox.userData, /^server-env\.json$/);
  check(stamp !== undefined, 'no install stamp');
  const venv = path.join(path.dirname(stamp), 'server-env');
  rmSync(venv, { recursive: true, force: true });
  writeFileSync(venv, 'not an environment\n');
  await runCommand(page, 'agent-ls: Install agent-ls');
  const toast = page.locator('.notification-toast', { hasText: 'installing the server failed' });
  await toast.waitFor();
  const text = (await toast.innerText()).replace(/\s+/g, ' ');
  check(
    text.includes('failed while creating a Python environment') && text.includes('To install by hand, run:') && /Copy Command/.test(text),
    `install failure notification: ${text}`,
  );
  step(`failed install: "${text}"`);
}

async function saveFailureArtifacts(page: Page | undefined, sandbox: Sandbox, server: CodeServer | undefined): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  if (page !== undefined) {
    const shot = path.join(ARTIFACTS, 'vscode-e2e-failure.png');
    await page.screenshot({ path: shot, timeout: 5000 }).then(
      () => process.stdout.write(`failure screenshot: ${shot}\n`),
      () => undefined,
    );
  }
  if (server !== undefined) {
    process.stdout.write(`--- code-server log (tail) ---\n${tail(server.logFile)}\n`);
  }
  for (const log of findFiles(sandbox.userData, /agent-ls\.log$|exthost\.log$/)) {
    process.stdout.write(`--- ${path.relative(sandbox.root, log)} (tail) ---\n${tail(log)}\n`);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stdout.write(`FAIL: ${String(error)}\n`);
    process.exit(1);
  },
);
