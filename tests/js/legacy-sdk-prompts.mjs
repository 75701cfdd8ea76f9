// Prompt management through the legacy Langfuse JS SDK (npm "langfuse" 3.x): create text and chat prompts,
// fetch by label and by version, compile with variables and placeholders. Prints what it read as JSON.
import { Langfuse } from "langfuse";

const langfuse = new Langfuse({
  baseUrl: process.env.LANGFUSE_BASEURL,
  publicKey: process.env.LANGFUSE_PUBLIC_KEY,
  secretKey: process.env.LANGFUSE_SECRET_KEY,
});
const run = process.env.RUN_ID;
const textName = `sdk-text-${run}`;
const chatName = `sdk-chat-${run}`;

const created = await langfuse.createPrompt({
  name: textName, prompt: "Hello {{name}}, welcome to {{place}}!", labels: ["production"], config: { temperature: 0.7 }, tags: ["sdk"],
});
await langfuse.createPrompt({ name: textName, prompt: "Hi {{name}} (v2)", labels: ["staging"] });
await langfuse.createPrompt({
  name: chatName, type: "chat", labels: ["production"],
  prompt: [
    { role: "system", content: "You are a {{persona}} assistant." },
    { type: "placeholder", name: "history" },
    { role: "user", content: "{{question}}" },
  ],
});

const production = await langfuse.getPrompt(textName, undefined, { cacheTtlSeconds: 0 });
const staging = await langfuse.getPrompt(textName, undefined, { label: "staging", cacheTtlSeconds: 0 });
const version1 = await langfuse.getPrompt(textName, 1, { cacheTtlSeconds: 0 });
const chat = await langfuse.getPrompt(chatName, undefined, { type: "chat", cacheTtlSeconds: 0 });

console.log(JSON.stringify({
  createdVersion: created.version,
  production: { version: production.version, compiled: production.compile({ name: "Ada", place: "Langfuse" }), config: production.config, labels: production.labels, isFallback: production.isFallback },
  staging: { version: staging.version, compiled: staging.compile({ name: "Bob" }) },
  version1: { version: version1.version, prompt: version1.prompt },
  chat: {
    version: chat.version,
    compiled: chat.compile({ persona: "friendly", question: "What is 2+2?" }, { history: [{ role: "user", content: "earlier" }, { role: "assistant", content: "reply" }] }),
  },
}));
await langfuse.shutdownAsync();
