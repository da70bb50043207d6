// Real-browser tests: Debian's Chromium driven by playwright-core (which never downloads a
// browser), JupyterLab started on 127.0.0.1 for one test run, and the checks both browser
// specs share. Nothing here reaches the network: the browser starts with background networking
// off, pages may fetch only the origin a test allows, and JupyterLab listens on 127.0.0.1.
import { ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Browser, chromium, Page } from "playwright-core";
import { ROOT } from "./course";
import { Notebook, joinText } from "./notebook-check";

/** Where the browser specs write their screenshots. */
export const SCREENSHOTS = join(ROOT, "build", "screenshots");

/** Debian's Chromium, or the executable SPOTLIGHT_CHROMIUM names. */
export const CHROMIUM = process.env.SPOTLIGHT_CHROMIUM || "/usr/bin/chromium";

// playwright-core passes most of these too; they are listed so that the promise "no background
// networking" does not rest on another package's defaults.
const CHROMIUM_ARGS = [
  "--headless=new",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-default-apps",
  "--disable-sync",
  "--no-first-run",
  "--no-default-browser-check",
  "--disable-domain-reliability",
  "--disable-client-side-phishing-detection",
  "--metrics-recording-only",
];

/** Starts headless Chromium, or fails with how to install it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `launchChromium: no Chromium at ${CHROMIUM}; install Debian's package with ` +
        "`apt-get install chromium` (or set SPOTLIGHT_CHROMIUM to a Chromium executable)",
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** What went wrong in a page while a test watched it. */
export interface PageWatch {
  /** Requests aborted because they left the allowed origin. */
  blocked: string[];
  /** Console errors, uncaught exceptions and requests that failed for another reason. */
  problems: string[];
}

/**
 * Aborts every request whose URL does not start with one of `allowed` (a scheme such as
 * "file:" or an origin), and records it; records console errors, page errors and failed
 * requests too.
 */
export async function watchPage(page: Page, allowed: string[]): Promise<PageWatch> {
  const watch: PageWatch = { blocked: [], problems: [] };
  const isAllowed = (url: string) => allowed.some((prefix) => url.startsWith(prefix));
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (isAllowed(url)) return route.continue();
    watch.blocked.push(url);
    return route.abort("blockedbyclient");
  });
  page.on("console", (message) => {
    if (message.type() === "error") watch.problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => watch.problems.push(`uncaught: ${error.message}`));
  page.on("requestfailed", (request) => {
    if (isAllowed(request.url())) {
      watch.problems.push(`failed: ${request.url()} (${request.failure()?.errorText})`);
    }
  });
  return watch;
}

export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return join(SCREENSHOTS, `${name}.png`);
}

/** 0-based indices of the cells whose outputs hold an SVG figure (HTML or SVG output). */
export function figureCells(notebook: Notebook): number[] {
  const figures: number[] = [];
  notebook.cells.forEach((cell, index) => {
    const hasSvg = (cell.outputs ?? []).some((output) =>
      ["text/html", "image/svg+xml"].some((type) =>
        joinText(output.data?.[type] as string | string[] | undefined).includes("<svg"),
      ),
    );
    if (hasSvg) figures.push(index);
  });
  return figures;
}

/** 0-based indices of the markdown cells that hold TeX between dollar signs. */
export function mathCells(notebook: Notebook): number[] {
  const cells: number[] = [];
  notebook.cells.forEach((cell, index) => {
    if (cell.cell_type === "markdown" && /\$[^$]+\$/.test(joinText(cell.source))) cells.push(index);
  });
  return cells;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `condition` every `intervalMs` until it holds; after `timeoutMs` throws an error with
 * the text `describe` gives (called then, so that it can report the state at the time).
 */
export async function waitUntil(
  condition: () => Promise<boolean>,
  timeoutMs: number,
  describe: () => Promise<string>,
  intervalMs = 500,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(`waitUntil: after ${timeoutMs / 1000} s, ${await describe()}`);
    }
    await sleep(intervalMs);
  }
}

/** A JupyterLab server started by startJupyterLab. */
export interface JupyterLab {
  /** http://127.0.0.1:PORT, without a trailing slash. */
  readonly origin: string;
  readonly token: string;
  /** GET (or another method) on the server's REST API, authenticated with the token. */
  api(path: string, method?: string): Promise<unknown>;
  /** What the server printed so far (its log). */
  log(): string;
  /** Shuts the kernels down, then ends the server's process group; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts the project's JupyterLab (.venv/bin/jupyter lab) on 127.0.0.1, on a free port, with a
 * random token, serving `rootDir`. Its configuration, settings, workspaces and runtime files
 * live in a temporary folder, so that nothing of the user's Jupyter set-up is read or changed;
 * the settings render every cell (no windowing) and fetch no news, and the server checks for
 * no updates.
 */
export async function startJupyterLab(rootDir: string): Promise<JupyterLab> {
  const jupyter = join(ROOT, ".venv", "bin", "jupyter");
  if (!existsSync(jupyter)) {
    throw new Error(`startJupyterLab: no JupyterLab at ${jupyter}; run \`npm run setup\` first`);
  }
  const home = mkdtempSync(join(tmpdir(), "spotlight-jupyterlab-"));
  const settings = join(home, "settings");
  const writeJson = (path: string, value: unknown) => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, JSON.stringify(value, null, 2));
  };
  writeJson(join(home, "config", "jupyter_lab_config.json"), {
    LabApp: {
      news_url: null,
      check_for_updates_class: "jupyterlab.handlers.announcements.NeverCheckForUpdate",
      extension_manager: "readonly",
    },
  });
  writeJson(join(settings, "@jupyterlab", "notebook-extension", "tracker.jupyterlab-settings"), {
    windowingMode: "none",
  });
  writeJson(
    join(settings, "@jupyterlab", "apputils-extension", "notification.jupyterlab-settings"),
    { fetchNews: "false", checkForUpdates: false },
  );

  const port = await freePort();
  const token = randomBytes(24).toString("hex");
  const origin = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    JUPYTER_CONFIG_DIR: join(home, "config"),
    JUPYTER_DATA_DIR: join(home, "data"),
    JUPYTER_RUNTIME_DIR: join(home, "runtime"),
    JUPYTERLAB_SETTINGS_DIR: settings,
    JUPYTERLAB_WORKSPACES_DIR: join(home, "workspaces"),
    JUPYTER_PREFER_ENV_PATH: "1",
  };
  delete env.JUPYTER_TOKEN;
  const args = [
    "lab",
    "--no-browser",
    "--ip=127.0.0.1",
    `--port=${port}`,
    "--ServerApp.port_retries=0",
    `--ServerApp.root_dir=${rootDir}`,
    `--IdentityProvider.token=${token}`,
  ];
  // Jupyter refuses to run as root without this; CI runs as root.
  if (process.getuid?.() === 0) args.push("--allow-root");
  // detached: the server leads its own process group, so stop() can end it with all it spawned.
  const server: ChildProcess = spawn(jupyter, args, {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-200_000);
  };
  server.stdout?.on("data", collect);
  server.stderr?.on("data", collect);
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) =>
    server.once("exit", () => {
      exited = true;
      resolve();
    }),
  );
  const pid = server.pid!;
  const kernels = new Set<number>();
  // Kernels start in sessions of their own, outside the server's process group.
  const rememberKernels = () => {
    for (const child of childrenOf(pid)) kernels.add(child);
  };
  const killAll = (signal: NodeJS.Signals) => {
    rememberKernels();
    for (const group of [pid, ...kernels]) {
      try {
        process.kill(-group, signal);
      } catch {
        // already gone
      }
    }
  };
  const onExit = () => killAll("SIGKILL");
  process.once("exit", onExit);

  const api = async (path: string, method = "GET"): Promise<unknown> => {
    const response = await fetch(`${origin}${path}`, {
      method,
      headers: { Authorization: `token ${token}` },
      signal: AbortSignal.timeout(15_000),
    });
    if (!response.ok) {
      throw new Error(`JupyterLab: ${method} ${path} answered ${response.status}`);
    }
    const text = await response.text();
    return text ? JSON.parse(text) : null;
  };

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      if (!exited) {
        const running = (await api("/api/kernels").catch(() => [])) as { id: string }[];
        for (const kernel of running) {
          await api(`/api/kernels/${kernel.id}`, "DELETE").catch(() => undefined);
        }
      }
    } finally {
      killAll("SIGTERM");
      await Promise.race([exitedPromise, sleep(15_000)]);
      killAll("SIGKILL");
      process.removeListener("exit", onExit);
      rmSync(home, { recursive: true, force: true });
    }
  };

  const deadline = Date.now() + 120_000;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`startJupyterLab: the server exited while starting:\n${output}`);
    }
    const ready = await api("/api/status").then(
      () => true,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`startJupyterLab: no answer on ${origin} within 120 s:\n${output}`);
    }
    await sleep(250);
  }
  const lab: JupyterLab = { origin, token, api, log: () => output, stop };
  return lab;
}

/** The ids of the processes whose parent is `pid` (Linux: read from /proc). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // The command name (field 2) may hold spaces; the fields after its ")" are fixed.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[1]) === pid) children.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return children;
}
