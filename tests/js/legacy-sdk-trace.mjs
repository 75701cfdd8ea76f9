// Drives the legacy Langfuse JS SDK (npm "langfuse" 3.x) against the service: a trace with nested spans,
// a generation with usage, an event, updates, numeric and categorical scores. Prints the ids it used as JSON.
import { Langfuse } from "langfuse";

const langfuse = new Langfuse({
  baseUrl: process.env.LANGFUSE_BASEURL,
  publicKey: process.env.LANGFUSE_PUBLIC_KEY,
  secretKey: process.env.LANGFUSE_SECRET_KEY,
  flushAt: 5,
  requestTimeout: 10000,
});
let sdkError = null;
langfuse.on("error", (e) => { sdkError = e; });

const run = process.env.RUN_ID;
const trace = langfuse.trace({
  id: `trace-${run}`,
  name: "sdk-trace",
  userId: "sdk-user",
  sessionId: `session-${run}`,
  input: { question: "What is the capital of France?" },
  metadata: { source: "legacy-sdk", attempt: 1 },
  tags: ["sdk", "compat"],
  release: "1.2.3",
  version: "v1",
});
const root = trace.span({ id: `span-root-${run}`, name: "retrieve-and-answer", input: { step: "start" } });
const child = root.span({ id: `span-child-${run}`, name: "retrieval", metadata: { k: 3 } });
child.event({ id: `event-${run}`, name: "cache-miss", level: "WARNING", statusMessage: "no cached documents" });
child.end({ output: { documents: 3 } });
const generation = root.generation({
  id: `generation-${run}`,
  name: "answer",
  model: "gpt-4o-mini",
  modelParameters: { temperature: 0.2, maxTokens: 100 },
  input: [{ role: "user", content: "What is the capital of France?" }],
});
generation.update({ completionStartTime: new Date(Date.now() + 50) });
generation.end({ output: "Paris", usage: { input: 150, output: 75 } });
root.end({ output: { answer: "Paris" } });
trace.update({ output: { answer: "Paris" }, metadata: { attempt: 2 } });
trace.score({ id: `score-num-${run}`, name: "accuracy", value: 0.9, comment: "good" });
langfuse.score({ id: `score-cat-${run}`, traceId: `trace-${run}`, observationId: `generation-${run}`, name: "tone", value: "friendly" });

await langfuse.shutdownAsync();
if (sdkError) {
  console.error("SDK reported an error:", sdkError);
  process.exit(1);
}
console.log(JSON.stringify({ traceId: `trace-${run}` }));
