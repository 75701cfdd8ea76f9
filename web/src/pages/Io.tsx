import { pretty } from "../format";

type Message = { role?: string; content?: unknown; tool_calls?: unknown };
const isChat = (value: unknown): value is Message[] =>
  Array.isArray(value) && value.length > 0 && value.every((m) => m && typeof m === "object" && "role" in (m as object));

/** Input or output: chat messages as a conversation, anything else as pretty JSON. */
export function Io({ label, value }: { label: string; value: unknown }) {
  if (value === null || value === undefined) return null;
  const messages = isChat(value) ? value : isChat((value as { messages?: unknown })?.messages) ? (value as { messages: Message[] }).messages : null;
  return (
    <section className="io">
      <h3>{label}</h3>
      {messages ? (
        <div className="chat">
          {messages.map((m, i) => (
            <div key={i} className={`message ${m.role}`}>
              <span className="role">{m.role}</span>
              <pre>{pretty(m.content)}</pre>
              {m.tool_calls !== undefined && <pre className="tools">{pretty(m.tool_calls)}</pre>}
            </div>
          ))}
        </div>
      ) : (
        <pre data-testid={`io-${label.toLowerCase()}`}>{pretty(value)}</pre>
      )}
    </section>
  );
}
