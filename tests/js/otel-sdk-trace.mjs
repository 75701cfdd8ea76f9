// The OpenTelemetry-based Langfuse JS SDK (@langfuse/tracing + @langfuse/otel 5.x) exporting nested observations
// with gen_ai data to the service. Prints the trace id as JSON.
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { LangfuseSpanProcessor } from "@langfuse/otel";
import { startActiveObservation, startObservation, propagateAttributes, setActiveTraceIO } from "@langfuse/tracing";

const processor = new LangfuseSpanProcessor({
  publicKey: process.env.LANGFUSE_PUBLIC_KEY,
  secretKey: process.env.LANGFUSE_SECRET_KEY,
  baseUrl: process.env.LANGFUSE_BASEURL,
  environment: "sdk-test",
  release: "r-5",
  exportMode: "immediate",
});
const provider = new NodeTracerProvider({ spanProcessors: [processor] });
provider.register();

let traceId;
await propagateAttributes({ userId: "js-user", sessionId: `js-session-${process.env.RUN_ID}`, tags: ["js", "otel"], traceName: "js-agent-run", metadata: { plan: "pro" } }, async () =>
  startActiveObservation("agent-run", async (agent) => {
    traceId = agent.traceId;
    setActiveTraceIO({ input: { question: "capital of France?" }, output: { answer: "Paris" } });
    agent.update({ input: { question: "capital of France?" }, metadata: { step: "start" } });
    const retrieval = startObservation("retrieve-docs", { input: { query: "France" } }, { asType: "retriever" });
    retrieval.update({ output: { documents: 2 } }).end();
    const generation = startObservation("llm-answer", {
      model: "gpt-4o-mini",
      input: [{ role: "user", content: "What is the capital of France?" }],
      modelParameters: { temperature: 0.1 },
    }, { asType: "generation" });
    generation.update({ output: { role: "assistant", content: "Paris" }, usageDetails: { input: 150, output: 75 } }).end();
    const tool = startObservation("lookup-country", { input: { country: "France" } }, { asType: "tool" });
    tool.update({ output: { capital: "Paris" }, level: "WARNING", statusMessage: "cached" }).end();
    agent.update({ output: { answer: "Paris" } });
  }, { asType: "agent" }));

await processor.forceFlush();
await provider.shutdown();
console.log(JSON.stringify({ traceId }));
