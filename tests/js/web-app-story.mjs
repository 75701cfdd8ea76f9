// The web app's end-to-end story in real headless Chromium (Debian's package, driven by playwright-core; no browser
// is downloaded): sign up, create a project and a key, send a trace with the real legacy Langfuse SDK, find it by
// search, open it, check tree, timeline, input, output, cost and the prompt link, add a score, follow the live tail while a second
// trace arrives, delete the trace. Prints page timings as JSON on its last line.
import { chromium } from "playwright-core";
import { Langfuse } from "langfuse";

const base = process.env.LANGFUSE_BASEURL;
const run = process.env.RUN_ID;
const timings = {};
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const fail = async (page, message) => {
  console.error(`FAILED: ${message} at ${page.url()}\n${(await page.content()).slice(0, 2000)}`);
  await browser.close();
  process.exit(1);
};
const timed = async (name, action) => {
  const started = Date.now();
  await action();
  timings[name] = Date.now() - started;
};

try {
  const page = await browser.newPage();
  page.on("dialog", (dialog) => dialog.accept());
  page.setDefaultTimeout(15000);

  // Sign up: the first run lands on creating an organization and a project.
  await page.goto(`${base}/auth/sign-up`);
  await page.getByLabel("Name").fill("Story User");
  await page.getByLabel("Email").fill(`story-${run}@example.test`);
  await page.getByLabel("Password").fill("story password 1!");
  await page.getByRole("button", { name: "Sign up" }).click();
  await page.waitForURL(`${base}/setup`);
  await page.getByLabel("Organization name").fill(`Story org ${run}`);
  await page.getByLabel("Project name").fill(`Story project ${run}`);
  await page.getByRole("button", { name: "Create project" }).click();
  await page.waitForURL(/\/project\/[^/]+\/settings/);
  const projectId = page.url().split("/project/")[1].split("/")[0];

  // A key: the secret is shown once, in the SDK snippet.
  await page.getByRole("button", { name: "Create new API key" }).click();
  const snippet = await page.getByTestId("new-key").locator("pre").innerText();
  const secretKey = /LANGFUSE_SECRET_KEY="([^"]+)"/.exec(snippet)?.[1];
  const publicKey = /LANGFUSE_PUBLIC_KEY="([^"]+)"/.exec(snippet)?.[1];
  if (!secretKey?.startsWith("sk-lf-") || !publicKey?.startsWith("pk-lf-")) await fail(page, "no keys in the snippet");
  if (!snippet.includes(`LANGFUSE_BASEURL="${base}"`)) await fail(page, "the snippet does not name this host");

  // A trace from the real legacy SDK.
  // One batch per trace (flushAt above its event count): the trace is stored with all its observations in one round.
  const langfuse = new Langfuse({ baseUrl: base, publicKey, secretKey, flushAt: 100, flushInterval: 60000 });
  // The answer comes from a managed prompt: the generation links to it.
  const promptName = `story-prompt-${run}`;
  await langfuse.createPrompt({ name: promptName, type: "chat", labels: ["production"],
    prompt: [{ role: "system", content: "Answer questions about {{topic}} briefly." }] });
  const prompt = await langfuse.getPrompt(promptName, undefined, { type: "chat", cacheTtlSeconds: 0 });
  const send = async (name, id) => {
    const trace = langfuse.trace({ id, name, userId: "story-user", input: { question: "capital of France?" } });
    const span = trace.span({ name: "retrieve", input: { query: "France" } });
    span.end({ output: { documents: 2 } });
    const generation = trace.generation({
      name: "answer", model: "gpt-4o-mini", input: [{ role: "user", content: "What is the capital of France?" }], prompt,
    });
    generation.end({ output: "Paris", usage: { input: 150, output: 75 } });
    trace.update({ output: { answer: "Paris" } });
    await langfuse.flushAsync();
  };
  const firstId = `story-trace-${run}`;
  await send(`story-${run}`, firstId);

  // Find it by search (it is readable within a second or so: poll by reloading the search).
  await timed("traces table", async () => {
    await page.goto(`${base}/project/${projectId}/traces`);
    await page.getByRole("heading", { name: "Traces" }).waitFor();
  });
  const search = page.getByLabel("Search traces");
  let found = false;
  for (let i = 0; i < 30 && !found; i++) {
    await search.fill(`story-${run}`);
    await search.press("Enter");
    found = await page.getByRole("link", { name: `story-${run}`, exact: true }).isVisible().catch(() => false)
      || await page.getByRole("link", { name: `story-${run}`, exact: true }).waitFor({ timeout: 1000 }).then(() => true, () => false);
  }
  if (!found) await fail(page, "the SDK's trace never appeared in the table");

  // Open it: tree, timeline, input, output, cost.
  await timed("trace page", async () => {
    await page.getByRole("link", { name: `story-${run}`, exact: true }).click();
    await page.getByRole("tree", { name: "Observations" }).waitFor();
  });
  await page.getByRole("treeitem", { name: /GENERATION answer/ }).waitFor();
  await page.getByRole("treeitem", { name: /SPAN retrieve/ }).waitFor();
  if ((await page.locator(".bar span").count()) < 2) await fail(page, "no timeline bars");
  const traceInput = await page.getByTestId("io-input").innerText();
  if (!traceInput.includes("capital of France?")) await fail(page, "trace input missing");
  if (!(await page.getByTestId("io-output").innerText()).includes("Paris")) await fail(page, "trace output missing");
  const cost = await page.getByTestId("total-cost").innerText();
  if (!/^\$0\.0000[0-9]+/.test(cost)) await fail(page, `unexpected cost ${cost}`);
  await page.getByRole("treeitem", { name: /GENERATION answer/ }).click();
  await page.locator(".chat .message.user").getByText("What is the capital of France?").waitFor();
  await page.getByText("gpt-4o-mini").first().waitFor();

  // The generation's prompt link opens the prompt's version.
  await page.getByRole("link", { name: `${promptName} v1` }).click();
  await page.waitForURL(`${base}/project/${projectId}/prompts/${promptName}?version=1`);
  await page.getByTestId("prompt-version").getByText("Answer questions about {{topic}} briefly.").waitFor();
  await page.goBack();
  await page.getByRole("tree", { name: "Observations" }).waitFor();

  // An annotation score.
  await page.getByRole("treeitem", { name: /TRACE/ }).click();
  await page.getByPlaceholder("Score name").fill("helpfulness");
  await page.getByPlaceholder("Value").fill("0.9");
  await page.getByRole("button", { name: "Add score" }).click();
  await page.locator(".scores li", { hasText: "helpfulness" }).waitFor();

  // The live tail: a second trace shows up without reloading.
  await page.goto(`${base}/project/${projectId}/traces`);
  await page.getByRole("link", { name: `story-${run}`, exact: true }).waitFor();
  await page.getByLabel("Live").check();
  const sent = Date.now();
  await send(`story-second-${run}`, `story-trace-2-${run}`);
  await page.getByRole("link", { name: `story-second-${run}`, exact: true }).waitFor({ timeout: 20000 });
  timings["live tail (SDK flush to row on screen)"] = Date.now() - sent;

  // The keyboard alone: down to the older trace, open it, and walk its tree.
  await page.getByLabel("Live").uncheck();
  await page.locator("table.traces tbody tr").first().focus();
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await page.waitForURL(`${base}/project/${projectId}/traces/${firstId}`);
  await page.getByRole("treeitem", { name: /TRACE/ }).focus();
  await page.keyboard.press("ArrowDown");
  const focused = await page.evaluate(() => document.activeElement?.textContent ?? "");
  if (!/retrieve|answer/.test(focused)) await fail(page, `arrow down in the tree focused "${focused}"`);
  await page.goBack();
  await page.getByRole("link", { name: `story-${run}`, exact: true }).waitFor();

  // Delete the first trace.
  await page.getByRole("link", { name: `story-${run}`, exact: true }).click();
  await page.getByRole("button", { name: "Delete trace" }).click();
  await page.waitForURL(`${base}/project/${projectId}/traces`);
  await page.getByRole("link", { name: `story-second-${run}`, exact: true }).waitFor();
  if (await page.getByRole("link", { name: `story-${run}`, exact: true }).count()) await fail(page, "the deleted trace is still listed");

  // The dashboard and the generations table show the remaining trace's model and cost.
  await timed("dashboard", async () => {
    await page.goto(`${base}/project/${projectId}`);
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();
    await page.locator(".card table td", { hasText: "gpt-4o-mini" }).first().waitFor();
  });
  await page.goto(`${base}/project/${projectId}/observations`);
  await page.getByRole("cell", { name: "gpt-4o-mini" }).first().waitFor();

  // The users page lists the SDK's user, then fills in its tokens (150 + 75 of the remaining trace) from a second call.
  await page.goto(`${base}/project/${projectId}/users`);
  const userRow = page.getByRole("row").filter({ has: page.getByRole("link", { name: "story-user", exact: true }) });
  await userRow.getByRole("cell", { name: "225", exact: true }).waitFor();

  await langfuse.shutdownAsync();
  await browser.close();
  console.log(JSON.stringify({ projectId, timings }));
} catch (e) {
  console.error(e);
  for (const p of browser.contexts().flatMap((c) => c.pages()))
    console.error(`at ${p.url()}:\n${(await p.locator("main").innerHTML().catch(() => "")).slice(0, 1500)}`);
  await browser.close();
  process.exit(1);
}
