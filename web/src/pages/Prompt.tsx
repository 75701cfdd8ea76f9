import { useEffect, useState } from "react";
import { api } from "../api/client";
import type { PromptPage } from "../api/types";
import { formatTime, pretty } from "../format";
import { Link, useLocation } from "../router";
import { Io } from "./Io";

/** A prompt's versions, newest first; ?version=N (an observation's prompt link) selects one, else the newest. */
export function Prompt({ projectId, name }: { projectId: string; name: string }) {
  const { query } = useLocation();
  const [prompt, setPrompt] = useState<PromptPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setPrompt(null);
    api("get", "/api/app/projects/{projectId}/prompts/{name}", { params: { projectId, name } }).then(setPrompt, (e: Error) => setError(e.message));
  }, [projectId, name]);
  if (error) return <p className="error" role="alert">{error}</p>;
  if (!prompt) return <p className="loading">Loading…</p>;
  const versions = prompt.versions ?? [];
  const wanted = Number(query.get("version"));
  const selected = versions.find((v) => v.version === wanted) ?? versions[0];
  const here = `/project/${projectId}/prompts/${encodeURIComponent(name)}`;
  return (
    <div className="prompt">
      <div className="toolbar">
        <h1>{prompt.name}</h1>
        <span className="count">{prompt.type} prompt · {versions.length} version{versions.length === 1 ? "" : "s"}</span>
        {(prompt.tags ?? []).map((t) => <span key={t} className="tag">{t}</span>)}
      </div>
      <div className="split">
        <nav className="versions" aria-label="Versions">
          {versions.map((v) => (
            <Link key={v.version} to={`${here}?version=${v.version}`} className={v === selected ? "selected" : undefined}>
              v{v.version} {(v.labels ?? []).map((l) => <span key={l} className="tag">{l}</span>)}
              <small>{formatTime(v.createdAt)}</small>
            </Link>
          ))}
        </nav>
        {selected && (
          <div className="detail" data-testid="prompt-version">
            <h2>Version {selected.version}</h2>
            <p className="facts">by {selected.createdBy} · {formatTime(selected.createdAt)}{selected.commitMessage && <> · {selected.commitMessage}</>}</p>
            {typeof selected.prompt === "string" ? (
              <section className="io"><h3>Prompt</h3><pre>{selected.prompt}</pre></section>
            ) : (
              <Io label="Prompt" value={selected.prompt} />
            )}
            {selected.config != null && <section className="io"><h3>Config</h3><pre>{pretty(selected.config)}</pre></section>}
          </div>
        )}
      </div>
    </div>
  );
}
