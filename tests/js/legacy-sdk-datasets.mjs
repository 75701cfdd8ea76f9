// Datasets through the legacy Langfuse JS SDK (npm "langfuse" 3.x): create a dataset and items, fetch it back,
// run an "experiment" that traces each item and links the trace (and a generation) to a run.
import { Langfuse } from "langfuse";

const langfuse = new Langfuse({
  baseUrl: process.env.LANGFUSE_BASEURL,
  publicKey: process.env.LANGFUSE_PUBLIC_KEY,
  secretKey: process.env.LANGFUSE_SECRET_KEY,
});
const run = process.env.RUN_ID;
const name = `sdk-dataset-${run}`;

await langfuse.createDataset({ name, description: "capitals", metadata: { owner: "sdk" } });
await langfuse.createDatasetItem({ datasetName: name, id: `france-${run}`, input: { country: "France" }, expectedOutput: "Paris", metadata: { level: "easy" } });
await langfuse.createDatasetItem({ datasetName: name, id: `japan-${run}`, input: { country: "Japan" }, expectedOutput: "Tokyo" });

const dataset = await langfuse.getDataset(name);
const linked = [];
for (const item of dataset.items) {
  const trace = langfuse.trace({ name: "capital-experiment", input: item.input });
  const generation = trace.generation({ name: "answer", model: "gpt-4o-mini", input: item.input });
  generation.end({ output: item.expectedOutput });
  trace.update({ output: item.expectedOutput });
  const viaTrace = await item.link(trace, `run-${run}`, { description: "sdk run", metadata: { model: "gpt-4o-mini" } });
  const viaGeneration = await item.link(generation, `run-${run}`);
  linked.push({ itemId: item.id, traceId: trace.id, generationId: generation.id, runItemTrace: viaTrace.traceId, runItemObservation: viaGeneration.observationId });
}
await langfuse.shutdownAsync();
console.log(JSON.stringify({
  name,
  description: dataset.description,
  metadata: dataset.metadata,
  items: dataset.items.map(i => ({ id: i.id, input: i.input, expectedOutput: i.expectedOutput, status: i.status })),
  linked,
}));
